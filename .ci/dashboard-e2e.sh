#!/usr/bin/env bash
# End-to-end check of the Grafana dashboard against a live wiredesk and a real Prometheus.
#
#   .ci/dashboard-e2e.sh [path/to/wiredesk]        (default target/release/wiredesk)
#
# Starts `wiredesk demo --follow --metrics-listen 127.0.0.1:<port>`, a throw-away Prometheus
# scraping it every second (with deploy/prometheus/rules.yml loaded), waits E2E_WAIT seconds
# (default 25), then evaluates every target expression of every panel of
# deploy/grafana/dashboards/wiredesk.json through /api/v1/query and fails, listing them, if
# any returns no series. Also lints a live /metrics scrape with `promtool check metrics`
# and checks that every alert rule evaluates without error.
#
# Environment:
#   WIREDESK_E2E_CMD  command line that starts the service instead of the binary; "{port}"
#                     is replaced by the metrics port (also exported as WIREDESK_E2E_PORT).
#   E2E_WAIT          seconds of scraping before the queries (default 25).
#   PROMETHEUS        prometheus binary (default: prometheus on PATH).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DASHBOARD="$ROOT/deploy/grafana/dashboards/wiredesk.json"
RULES="$ROOT/deploy/prometheus/rules.yml"
BIN="${1:-target/release/wiredesk}"
WAIT="${E2E_WAIT:-25}"
PROMETHEUS="${PROMETHEUS:-prometheus}"

for tool in "$PROMETHEUS" promtool curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "dashboard-e2e: $tool not found (apt-get install prometheus curl)" >&2; exit 2; }
done

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

TMP="$(mktemp -d)"
SVC_PID=""
PROM_PID=""
cleanup() {
  local pid
  for pid in "$PROM_PID" "$SVC_PID"; do
    [ -n "$pid" ] || continue
    # Each was started with setsid: signal its whole process group, then reap it.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "$PROM_PID" "$SVC_PID"; do
    [ -n "$pid" ] || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

METRICS_PORT="$(free_port)"
PROM_PORT="$(free_port)"
export WIREDESK_E2E_PORT="$METRICS_PORT"

if [ -n "${WIREDESK_E2E_CMD:-}" ]; then
  SVC_CMD="${WIREDESK_E2E_CMD//\{port\}/$METRICS_PORT}"
else
  [ -x "$BIN" ] || { echo "dashboard-e2e: $BIN is not an executable (build it or pass a path)" >&2; exit 2; }
  SVC_CMD="$(printf '%q ' "$BIN" demo --follow --metrics-listen "127.0.0.1:$METRICS_PORT")"
fi

echo "dashboard-e2e: starting service: $SVC_CMD"
setsid bash -c "exec $SVC_CMD" >"$TMP/service.log" 2>&1 &
SVC_PID=$!

wait_http() { # wait_http URL SECONDS PID NAME LOG
  local _
  for _ in $(seq $(( $2 * 5 ))); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then
      local status=0; wait "$3" || status=$?
      echo "dashboard-e2e: $4 exited early (status $status); last log lines:" >&2; tail -n 30 "$5" >&2; return 1
    fi
    sleep 0.2
  done
  echo "dashboard-e2e: $4 did not answer $1 within $2 s; last log lines:" >&2; tail -n 30 "$5" >&2
  return 1
}

wait_http "http://127.0.0.1:$METRICS_PORT/metrics" 60 "$SVC_PID" service "$TMP/service.log"

cat >"$TMP/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $RULES
scrape_configs:
  - job_name: wiredesk
    static_configs:
      - targets: ["127.0.0.1:$METRICS_PORT"]
YAML

echo "dashboard-e2e: starting prometheus on 127.0.0.1:$PROM_PORT"
setsid "$PROMETHEUS" --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --storage.tsdb.retention.time=1h \
  >"$TMP/prometheus.log" 2>&1 &
PROM_PID=$!
wait_http "http://127.0.0.1:$PROM_PORT/-/ready" 60 "$PROM_PID" prometheus "$TMP/prometheus.log"

failures=0

echo "dashboard-e2e: promtool check metrics on a live scrape"
curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" >"$TMP/metrics.txt"
if promtool check metrics <"$TMP/metrics.txt" >"$TMP/lint.txt" 2>&1; then
  echo "ok    promtool check metrics"
else
  echo "FAIL  promtool check metrics:"; sed 's/^/      /' "$TMP/lint.txt"; failures=$((failures + 1))
fi
for path in /healthz /readyz; do
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$METRICS_PORT$path" || true)"
  echo "info  GET $path -> $code"
done

echo "dashboard-e2e: scraping for $WAIT s"
for _ in $(seq "$WAIT"); do
  kill -0 "$SVC_PID" 2>/dev/null || { echo "dashboard-e2e: service died; log:" >&2; tail -n 30 "$TMP/service.log" >&2; exit 1; }
  sleep 1
done

if python3 - "$DASHBOARD" "http://127.0.0.1:$PROM_PORT" <<'PYEOF'
import json, math, re, sys, urllib.parse, urllib.request

dashboard_path, prom = sys.argv[1], sys.argv[2]
with open(dashboard_path, encoding="utf-8") as f:
    dash = json.load(f)

# Grafana's built-in interval variables become 1m (the scrape ran for well under a minute
# but every 1m window already holds enough 1s samples); dashboard template variables
# become their "All" value (regex .*).
builtin = {"__rate_interval": "1m", "__interval": "1m", "__range": "1m", "__auto": "1m",
           "__interval_ms": "60000", "__range_ms": "60000", "__range_s": "60"}
template = {v["name"]: v.get("allValue") or ".*" for v in dash.get("templating", {}).get("list", [])}


def substitute(expr):
    def repl(m):
        name = m.group(1) or m.group(2) or m.group(3)
        name = name.split(":")[0]
        if name in builtin:
            return builtin[name]
        if name in template:
            return template[name]
        raise KeyError(f"unknown variable ${name}")
    return re.sub(r"\$\{([A-Za-z0-9_:]+)\}|\[\[([A-Za-z0-9_]+)\]\]|\$([A-Za-z_][A-Za-z0-9_]*)", repl, expr)


def query(expr):
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return json.loads(e.read() or b"{}") or {"status": "error", "error": str(e)}


def panels(ps):
    for p in ps:
        if p.get("type") != "row":
            yield p
        yield from panels(p.get("panels", []))


up = query('up{job="wiredesk"}')
print(f"info  up{{job=\"wiredesk\"}} = {[r['value'][1] for r in up.get('data', {}).get('result', [])]}")

bad, checked = [], 0
for p in panels(dash.get("panels", [])):
    for t in p.get("targets", []):
        if t.get("hide") or not t.get("expr"):
            continue
        checked += 1
        label = f"panel {p.get('id')} \"{p.get('title')}\" query {t.get('refId')}"
        try:
            expr = substitute(t["expr"])
        except KeyError as e:
            bad.append(f"{label}: {e}")
            print(f"FAIL  {label}: {e}")
            continue
        res = query(expr)
        if res.get("status") != "success":
            bad.append(f"{label}: error {res.get('error')}")
            print(f"FAIL  {label}: {res.get('errorType')}: {res.get('error')}\n      {expr}")
            continue
        data = res["data"]
        result = data["result"]
        if data["resultType"] in ("scalar", "string"):
            result = [{"metric": {}, "value": result}]
        if not result:
            bad.append(f"{label}: no series  [{expr}]")
            print(f"FAIL  {label}: no series\n      {expr}")
            continue
        labelled = [bool({k for k in r["metric"] if k not in ("job", "instance")}) for r in result]
        if any(labelled) and not all(labelled):
            # e.g. `sum by (x) (...) or vector(0)`: the fallback must be `or on() vector(0)`.
            bad.append(f"{label}: fallback series next to real series  [{expr}]")
            print(f"FAIL  {label}: an unlabelled fallback series is returned next to labelled ones"
                  f" (use `or on() vector(0)`)\n      {expr}")
            continue
        values = [float(r["value"][1]) for r in result]
        nan = all(math.isnan(v) for v in values)
        shown = ", ".join(
            f"{json.dumps({k: v for k, v in r['metric'].items() if k not in ('job', 'instance')})}={r['value'][1]}"
            for r in result[:4]) + (" ..." if len(result) > 4 else "")
        print(f"{'warn' if nan else 'ok  '}  {label}: {len(result)} series{' (all NaN)' if nan else ''}  {shown}")

# Alert rules loaded into this Prometheus must evaluate cleanly against the live metrics.
with urllib.request.urlopen(prom + "/api/v1/rules", timeout=10) as r:
    groups = json.load(r)["data"]["groups"]
rules = [rule for g in groups for rule in g["rules"]]
unhealthy = [f"{r['name']}: {r.get('lastError')}" for r in rules if r.get("health") not in ("ok", "unknown")]
firing = [r["name"] for r in rules if r.get("state") == "firing"]
print(f"info  {len(rules)} alert rules loaded; firing now: {firing or 'none'}")
for u in unhealthy:
    print(f"FAIL  rule {u}")
bad += [f"rule {u}" for u in unhealthy]
if not rules:
    bad.append("no alert rules loaded")

print(f"dashboard-e2e: {checked} panel queries checked, {len(bad)} failed")
if bad:
    print("failed:\n  " + "\n  ".join(bad))
    sys.exit(1)
PYEOF
then :; else failures=$((failures + 1)); fi

if [ "$failures" -gt 0 ]; then
  echo "dashboard-e2e: FAILED"
  exit 1
fi
echo "dashboard-e2e: OK"
