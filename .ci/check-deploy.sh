#!/usr/bin/env bash
# Offline checks of wiredesk's deployment and observability files (no Docker engine needed):
#   - Prometheus config, alert rules and their unit tests (promtool)
#   - docker-compose.yml syntax (docker-compose config -q), every host path it mounts or
#     builds from, and the cross-references between compose, Prometheus, Grafana and config
#   - Dockerfile COPY/ADD sources present in the build context and not .dockerignored
#   - Grafana dashboard JSON parses and only references the provisioned datasource uid
# Usage: .ci/check-deploy.sh   (from anywhere; installs prometheus/docker-compose via apt if absent)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

passed=0
failed=0
failures=()

# check NAME CMD...: runs CMD, records the outcome, shows its output only on failure.
check() {
  local name="$1"; shift
  local out
  if out="$("$@" 2>&1)"; then
    passed=$((passed + 1))
    printf 'ok    %s\n' "$name"
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf 'FAIL  %s\n' "$name"
    printf '%s\n' "$out" | sed 's/^/      /'
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "check-deploy: need root to run: $*" >&2; return 1; fi
}

apt_updated=0
ensure_pkg() { # ensure_pkg COMMAND DEBIAN_PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "check-deploy: installing $2 (for $1)"
  if [ "$apt_updated" -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}

ensure_pkg promtool prometheus
ensure_pkg docker-compose docker-compose

# A python3 with PyYAML: the one on PATH, else Debian's (docker-compose depends on python3-yaml).
PY=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml, tomllib' >/dev/null 2>&1; then
    PY="$candidate"; break
  fi
done
if [ -z "$PY" ]; then
  echo "check-deploy: installing python3-yaml"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-yaml >/dev/null
  PY=/usr/bin/python3
fi

# ---- Prometheus -------------------------------------------------------------------------
check "promtool check config deploy/prometheus/prometheus.yml" \
  promtool check config deploy/prometheus/prometheus.yml
check "promtool check rules deploy/prometheus/rules.yml" \
  promtool check rules deploy/prometheus/rules.yml
check "promtool test rules deploy/prometheus/rules_test.yml" \
  promtool test rules deploy/prometheus/rules_test.yml

# ---- docker-compose ---------------------------------------------------------------------
check "docker-compose config -q" docker-compose -f docker-compose.yml config -q

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Normalised compose model: variables interpolated, relative host paths made absolute.
if docker-compose -f docker-compose.yml config >"$tmp/compose.yml" 2>"$tmp/compose.err"; then :; else
  cat "$tmp/compose.err" >&2
fi

# The python helper prints one "ok|FAIL<TAB>name<TAB>detail" line per check.
run_py_checks() {
  local status name detail
  while IFS=$'\t' read -r status name detail; do
    if [ "$status" = ok ]; then
      passed=$((passed + 1)); printf 'ok    %s\n' "$name"
    else
      failed=$((failed + 1)); failures+=("$name"); printf 'FAIL  %s\n      %s\n' "$name" "$detail"
    fi
  done < <("$PY" - "$ROOT" "$tmp/compose.yml" <<'PYEOF' || echo $'FAIL\tpython checks crashed\tsee traceback above'
import fnmatch, glob, json, os, re, shlex, sys, tomllib
import yaml

root, compose_path = sys.argv[1], sys.argv[2]
os.chdir(root)


def report(ok, name, detail=""):
    print(f"{'ok' if ok else 'FAIL'}\t{name}\t{detail}".replace("\n", " "), flush=True)


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


# ---- compose host paths ------------------------------------------------------------------
try:
    compose = load_yaml(compose_path) or {}
except Exception as e:  # noqa: BLE001
    compose = {}
    report(False, "normalised compose model parses", str(e))
services = compose.get("services") or {}
named_volumes = set((compose.get("volumes") or {}).keys())


def mounts(svc):
    """(host_path_or_None, container_path, kind) for each volume entry, short or long syntax."""
    out = []
    for v in svc.get("volumes") or []:
        if isinstance(v, str):
            parts = v.split(":")
            if len(parts) == 1:
                out.append((None, parts[0], "anonymous"))
                continue
            src, dst = parts[0], parts[1]
            if src in named_volumes or not (src.startswith((".", "/", "~"))):
                out.append((None, dst, "volume"))
            else:
                out.append((os.path.expanduser(src), dst, "bind"))
        else:
            kind = v.get("type", "volume")
            src = v.get("source")
            out.append((src if kind == "bind" else None, v.get("target"), kind))
    return out


compose_dir = root
bind_count = 0
for name, svc in services.items():
    build = svc.get("build")
    if build is not None:
        ctx = build if isinstance(build, str) else build.get("context", ".")
        ctx = os.path.normpath(os.path.join(compose_dir, ctx))
        report(os.path.isdir(ctx), f"compose {name}: build context {os.path.relpath(ctx)} exists", ctx)
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        dpath = os.path.normpath(os.path.join(ctx, dockerfile))
        report(os.path.isfile(dpath), f"compose {name}: dockerfile {os.path.relpath(dpath)} exists", dpath)
    for host, dst, kind in mounts(svc):
        if kind == "bind" and host is not None:
            bind_count += 1
            hp = os.path.normpath(os.path.join(compose_dir, host))
            report(os.path.exists(hp), f"compose {name}: mount {os.path.relpath(hp)} -> {dst} exists", hp)
    for ef in svc.get("env_file") or []:
        ef = ef if isinstance(ef, str) else ef.get("path", "")
        hp = os.path.normpath(os.path.join(compose_dir, ef))
        report(os.path.isfile(hp), f"compose {name}: env_file {os.path.relpath(hp)} exists", hp)
report(bind_count > 0, "compose: bind mounts found in the normalised model", f"{bind_count} bind mounts")


def host_path_of(service, container_path):
    """Maps a container path to a host path through the service's bind mounts."""
    best = None
    for host, dst, kind in mounts(services.get(service) or {}):
        if kind != "bind" or host is None or dst is None:
            continue
        if container_path == dst or container_path.startswith(dst.rstrip("/") + "/"):
            if best is None or len(dst) > len(best[1]):
                best = (host, dst)
    if best is None:
        return None
    rest = container_path[len(best[1]):].lstrip("/")
    return os.path.normpath(os.path.join(compose_dir, best[0], rest))


def env_of(service):
    env = (services.get(service) or {}).get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) if "=" in e else (e, "") for e in env)
    return env


# ---- cross references --------------------------------------------------------------------
# wiredesk config: parses, and its metrics port is what compose publishes and Prometheus scrapes.
metrics_port = None
try:
    with open("config/docker.toml", "rb") as f:
        cfg = tomllib.load(f)
    listen = cfg["metrics"]["listen"]
    metrics_port = int(listen.rsplit(":", 1)[1])
    ok = listen.startswith("0.0.0.0:") and cfg["kafka"]["brokers"].split(",")[0].split(":")[0] in services
    report(ok, "config/docker.toml: listens on all interfaces, brokers name a compose service",
           f"listen={listen} brokers={cfg['kafka']['brokers']}")
except Exception as e:  # noqa: BLE001
    report(False, "config/docker.toml parses with [metrics] listen and [kafka] brokers", repr(e))

wd = services.get("wiredesk") or {}
cmd = wd.get("command") or []
cmd = shlex.split(cmd) if isinstance(cmd, str) else cmd
if "--config" in cmd:
    cpath = cmd[cmd.index("--config") + 1]
    hp = host_path_of("wiredesk", cpath)
    report(hp is not None and os.path.isfile(hp), f"compose wiredesk: --config {cpath} is a mounted host file", str(hp))
published = [str(p) for p in wd.get("ports") or []]
report(any(str(metrics_port) in p for p in published),
       f"compose wiredesk: publishes the metrics port {metrics_port}", ", ".join(published))

try:
    prom = load_yaml("deploy/prometheus/prometheus.yml")
    jobs = {j["job_name"]: j for j in prom.get("scrape_configs", [])}
    targets = [t for sc in jobs["wiredesk"].get("static_configs", []) for t in sc.get("targets", [])]
    good = all(t.split(":")[0] in services and int(t.split(":")[1]) == metrics_port for t in targets) and targets
    report(bool(good), "prometheus job wiredesk scrapes <compose service>:<metrics port>", ", ".join(targets))
    for rf in prom.get("rule_files", []):
        hp = host_path_of("prometheus", os.path.join("/etc/prometheus", rf))
        report(hp is not None and os.path.isfile(hp), f"prometheus rule file {rf} is inside the mounted config dir", str(hp))
except Exception as e:  # noqa: BLE001
    report(False, "deploy/prometheus/prometheus.yml has a wiredesk scrape job", repr(e))

ds_uids = set()
try:
    dsfile = load_yaml("deploy/grafana/provisioning/datasources/prometheus.yml")
    for ds in dsfile.get("datasources", []):
        ds_uids.add(ds.get("uid"))
        host = re.sub(r"^https?://", "", ds.get("url", "")).split(":")[0].split("/")[0]
        report(host in services, f"grafana datasource {ds.get('uid')} points at a compose service", ds.get("url", ""))
    report("wiredesk-prometheus" in ds_uids, "grafana datasource uid wiredesk-prometheus provisioned", ", ".join(map(str, ds_uids)))
except Exception as e:  # noqa: BLE001
    report(False, "grafana datasource provisioning parses", repr(e))

try:
    prov = load_yaml("deploy/grafana/provisioning/dashboards/wiredesk.yml")
    for p in prov.get("providers", []):
        path = p.get("options", {}).get("path", "")
        hp = host_path_of("grafana", path)
        jsons = glob.glob(os.path.join(hp, "*.json")) if hp else []
        report(bool(jsons), f"grafana dashboard provider path {path} is a mount with dashboards", str(hp))
except Exception as e:  # noqa: BLE001
    report(False, "grafana dashboard provisioning parses", repr(e))

home = env_of("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
hp = host_path_of("grafana", home) if home else None
report(hp is not None and os.path.isfile(hp), "grafana home dashboard path resolves to a mounted host file", f"{home} -> {hp}")

# ---- Dockerfile --------------------------------------------------------------------------
def dockerfile_instructions(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"\\\s*\n", " ", text)  # line continuations
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            yield word.upper(), rest.strip()


def dockerignored(rel, patterns):
    ignored = False
    for pat in patterns:
        neg = pat.startswith("!")
        pat = pat[1:] if neg else pat
        pat = pat.strip("/")
        if fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(rel, pat + "/*") or rel.split("/")[0] == pat:
            ignored = not neg
    return ignored


ignore = []
if os.path.isfile(".dockerignore"):
    with open(".dockerignore", encoding="utf-8") as f:
        ignore = [l.strip() for l in f if l.strip() and not l.startswith("#")]
report(all(any(p.strip("/") == want for p in ignore) for want in ("target", ".git")),
       ".dockerignore excludes target and .git", ", ".join(ignore))
kept = ["Cargo.toml", "Cargo.lock", "src", "config/docker.toml"]
report(not [k for k in kept if dockerignored(k, ignore)], ".dockerignore keeps Cargo.toml, Cargo.lock, src, config",
       ", ".join(k for k in kept if dockerignored(k, ignore)))

try:
    instr = list(dockerfile_instructions("Dockerfile"))
    copies = 0
    for word, rest in instr:
        if word not in ("COPY", "ADD"):
            continue
        if rest.startswith("["):
            args = json.loads(rest)
        else:
            args = shlex.split(rest)
        flags = [a for a in args if a.startswith("--")]
        if any(f.startswith("--from") for f in flags):
            continue
        srcs = [a for a in args if not a.startswith("--")][:-1]
        for s in srcs:
            copies += 1
            if re.match(r"^https?://", s):
                report(True, f"Dockerfile {word} {s} (remote)")
                continue
            matches = glob.glob(s) if s != "." else ["."]
            visible = [m for m in matches if m == "." or not dockerignored(os.path.normpath(m), ignore)]
            report(bool(visible), f"Dockerfile {word} source {s} exists in the build context",
                   "missing" if not matches else "excluded by .dockerignore")
    report(copies > 0, "Dockerfile has COPY sources from the context", f"{copies} sources")
    words = [w for w, _ in instr]
    froms = [r for w, r in instr if w == "FROM"]
    user = [r for w, r in instr if w == "USER"]
    hc = " ".join(r for w, r in instr if w == "HEALTHCHECK")
    ok = (len(froms) >= 2 and user and user[-1].split(":")[0] not in ("root", "0")
          and "/healthz" in hc and 'ENTRYPOINT ["wiredesk"]' in "\n".join(f"{w} {r}" for w, r in instr))
    report(bool(ok), "Dockerfile: multi-stage, non-root USER, /healthz HEALTHCHECK, ENTRYPOINT wiredesk",
           f"stages={len(froms)} user={user} healthcheck={hc!r}")
except Exception as e:  # noqa: BLE001
    report(False, "Dockerfile parses", repr(e))

# ---- Grafana dashboard -------------------------------------------------------------------
try:
    with open("deploy/grafana/dashboards/wiredesk.json", encoding="utf-8") as f:
        dash = json.load(f)
    report(True, "dashboard JSON parses")
    report(dash.get("uid") == "wiredesk" and 36 <= int(dash.get("schemaVersion", 0)) <= 41,
           "dashboard uid wiredesk, schemaVersion 36..41", f"uid={dash.get('uid')} schemaVersion={dash.get('schemaVersion')}")

    def walk(node, path="$"):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "datasource":
                    yield path + ".datasource", v
                yield from walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{path}[{i}]")

    refs = list(walk(dash))
    bad = [f"{p}={v}" for p, v in refs
           if not (isinstance(v, dict) and v.get("uid") in ds_uids and v.get("type") == "prometheus")]
    report(bool(refs) and not bad, "every dashboard datasource reference uses a provisioned uid",
           "; ".join(bad[:5]) or f"{len(refs)} references")

    def panels(ps):
        for p in ps:
            yield p
            yield from panels(p.get("panels", []))

    all_panels = [p for p in panels(dash.get("panels", [])) if p.get("type") != "row"]
    no_query = [p.get("title") for p in all_panels if not any(t.get("expr") for t in p.get("targets", []))]
    report(bool(all_panels) and not no_query, "every dashboard panel has a PromQL query", ", ".join(map(str, no_query)))
    ids = [p.get("id") for p in all_panels]
    report(len(ids) == len(set(ids)), "dashboard panel ids unique", str(ids))
    text = json.dumps(dash)
    wanted = ["wiredesk_messages_consumed_total", "wiredesk_messages_produced_total", "wiredesk_consumer_lag",
              "wiredesk_end_to_end_latency_seconds", "wiredesk_dedup_verdicts_total", "wiredesk_dead_letters_total",
              "wiredesk_stage_duration_seconds", "wiredesk_dedup_window_stories", "wiredesk_dedup_index_bytes",
              "wiredesk_story_clusters", "wiredesk_rebalances_total", "wiredesk_kafka_errors_total",
              "wiredesk_build_info", "wiredesk_ready"]
    missing = [m for m in wanted if m not in text]
    report(not missing, "dashboard covers every required metric", ", ".join(missing))
except Exception as e:  # noqa: BLE001
    report(False, "dashboard JSON parses", repr(e))
PYEOF
)
}
run_py_checks

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "check-deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
