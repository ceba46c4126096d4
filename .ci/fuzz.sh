#!/usr/bin/env bash
# Bounded fuzzing of wiredesk's input parsing (fuzz/fuzz_targets/*): installs cargo-fuzz when
# missing, seeds each target's corpus from the ninjs examples and the demo feed, runs every target
# for FUZZ_SECONDS (default 60) and fails on the first crash, printing the artifact path.
# Works on stable Rust: cargo-fuzz's nightly flags are enabled with RUSTC_BOOTSTRAP=1.
# Env: FUZZ_SECONDS, FUZZ_TARGETS (space-separated subset), FUZZ_SANITIZER (default none),
#      FUZZ_MAX_LEN (default 16384), WIREDESK_TOOLS (cache dir, shared with .ci/run),
#      FUZZ_TARGET_DIR (default $WIREDESK_TOOLS/fuzz-target).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
export CARGO_TERM_COLOR=never
export RUSTC_BOOTSTRAP=1
export WIREDESK_TOOLS="${WIREDESK_TOOLS:-$HOME/.cache/wiredesk-tools}"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$WIREDESK_TOOLS/fuzz-target}"
fuzz_seconds="${FUZZ_SECONDS:-60}"
# No ASan by default: the targets are safe Rust, and ASan breaks the build of the bundled
# librdkafka (cc-rs compiles zstd-sys with -fsanitize=address, then librdkafka's configure fails
# to link against it). Coverage-guided fuzzing with panics/assertions as the oracle still applies.
sanitizer="${FUZZ_SANITIZER:-none}"
max_len="${FUZZ_MAX_LEN:-16384}"
shared_examples="${WIREDESK_NINJS_EXAMPLES:-$root/../shared/ninjs/examples}"
mkdir -p "$WIREDESK_TOOLS"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi
echo "fuzz: $(cargo fuzz --version), $(rustc --version)"

# ---- seed corpus (not committed: fuzz/corpus is git-ignored) ----
seed_parse_story() {
  local dir=fuzz/corpus/parse_story n=0 line
  mkdir -p "$dir"
  if [[ -d $shared_examples ]]; then
    for f in "$shared_examples"/*.json; do
      [[ -e $f ]] && cp -f "$f" "$dir/example-$(basename "$f")"
    done
  fi
  if [[ -f data/demo/feed.jsonl ]]; then
    while IFS= read -r line; do
      n=$((n + 1))
      [[ -n $line ]] && printf '%s' "$line" >"$dir/feed-$n.json"
    done <data/demo/feed.jsonl
  fi
  printf '%s' '{"uri":"urn:a","headline":"H","body_html":"<p>One &amp; two</p><p>x<br/>y</p>"}' >"$dir/v1-html.json"
  printf '%s' '{"uri":"urn:b","headlines":[{"role":"main","value":"H"}],"bodies":[{"role":"main","contenttype":"text/plain","value":"a\r\n\r\nb"}],"versioncreated":"2019-05-10 16:02:28Z"}' >"$dir/v2.json"
  printf '%s' '{"uri":"urn:c","versionCreated":"2019-05-10T16:02:28+0200","descriptions":[{"role":"summary","contentType":"text/html","value":"<div>d&#x263A;</div>"}],"by":" B "}' >"$dir/v3-description.json"
}

seed_html_to_text() {
  local dir=fuzz/corpus/html_to_text
  mkdir -p "$dir"
  # HTML bodies of the examples and the feed, when python3 is around to pull them out.
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$dir" "$shared_examples" data/demo/feed.jsonl <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
docs = []
ex = pathlib.Path(sys.argv[2])
if ex.is_dir():
    docs += [p.read_text(encoding="utf-8") for p in sorted(ex.glob("*.json"))]
feed = pathlib.Path(sys.argv[3])
if feed.is_file():
    docs += [l for l in feed.read_text(encoding="utf-8").splitlines() if l.strip()]
n = 0
for raw in docs:
    try:
        d = json.loads(raw)
    except ValueError:
        continue
    if not isinstance(d, dict):
        continue
    values = [v for k, v in d.items() if k.startswith("body_") and isinstance(v, str)]
    for key in ("bodies", "descriptions"):
        for b in d.get(key) or []:
            if isinstance(b, dict) and isinstance(b.get("value"), str):
                values.append(b["value"])
    for v in values:
        if "<" in v or "&" in v:
            n += 1
            (out / f"body-{n}.html").write_text(v[:16384], encoding="utf-8")
PY
  fi
  printf '%s' '<section><h1>T</h1><p>a&nbsp;&nbsp;b &#x263A; &#9;&#160;&amp;lt;</p><script>x<p></script><br>c</section>' >"$dir/mixed.html"
  printf '%s' '<p>x < y & z &#0; &#xFFFFFFFF; &unknown; <style>p{}</style> <</p' >"$dir/broken.html"
}

# libFuzzer dictionary: ninjs keys and HTML fragments help the mutator past the JSON syntax.
dict="$WIREDESK_TOOLS/fuzz-ninjs.dict"
cat >"$dict" <<'DICT'
"\"uri\""
"\"headline\""
"\"headlines\""
"\"body_text\""
"\"body_html\""
"\"body_\""
"\"bodies\""
"\"descriptions\""
"\"description_\""
"\"role\""
"\"main\""
"\"value\""
"\"contenttype\""
"\"contentType\""
"\"text/html\""
"\"text/plain\""
"\"versioncreated\""
"\"versionCreated\""
"\"byline\""
"\"by\""
"\"language\""
"\"2019-05-10T16:02:28+02:00\""
"\"\\u0000\""
"\"\\u00a0\""
"<p>"
"</p>"
"<br/>"
"<script>"
"</script>"
"<style>"
"&amp;"
"&#x"
"&#"
";"
DICT

read -r -a targets <<<"${FUZZ_TARGETS:-$(cargo fuzz list | tr '\n' ' ')}"
seed_parse_story
seed_html_to_text

build_started=$SECONDS
for t in "${targets[@]}"; do
  cargo fuzz build --release --debug-assertions --sanitizer "$sanitizer" "$t"
done
echo "fuzz: build took $((SECONDS - build_started)) s"

passed=0
failed=0
for t in "${targets[@]}"; do
  log="$WIREDESK_TOOLS/fuzz-$t.log"
  echo "fuzz: running $t for ${fuzz_seconds}s (log: $log)"
  set +e
  cargo fuzz run --release --debug-assertions --sanitizer "$sanitizer" "$t" -- \
    -max_total_time="$fuzz_seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -dict="$dict" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
  rate=$(grep -oE 'exec/s: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo "?")
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || true)
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  if ((rc == 0)); then
    passed=$((passed + 1))
    echo "fuzz: $t clean: ${runs:-? runs}, ${rate} exec/s, ${cov:-cov: ?}, corpus $corpus"
  else
    failed=$((failed + 1))
    echo "fuzz: $t FAILED (exit $rc)"
    grep -E "panicked at|ERROR: (libFuzzer|AddressSanitizer)|SUMMARY" "$log" | head -5 || true
    grep -A4 'panicked at' "$log" | head -8 || true
    artifact=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -1 | sed 's/Test unit written to //' || true)
    if [[ -n $artifact ]]; then
      echo "fuzz: crash artifact: $root/${artifact#./}"
      echo "fuzz: reproduce: RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$CARGO_TARGET_DIR cargo fuzz run $t ${artifact#./}"
    else
      tail -20 "$log"
    fi
  fi
done

echo "fuzz: $passed passed, $failed failed"
((failed == 0))
