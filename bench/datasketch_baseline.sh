#!/usr/bin/env bash
# Runs the datasketch baseline (bench/datasketch_baseline.py) on a ninjs 3.x JSON Lines feed.
# Installs datasketch into a virtualenv under ${WIREDESK_TOOLS:-$HOME/.cache/wiredesk-tools}
# on first use (PyPI only). Usage: bench/datasketch_baseline.sh FEED.jsonl [--threshold 0.5]
set -euo pipefail
if [[ $# -lt 1 ]]; then
    echo "usage: $0 FEED.jsonl [--threshold T] [--num-perm N]" >&2
    exit 2
fi
tools="${WIREDESK_TOOLS:-$HOME/.cache/wiredesk-tools}"
venv="$tools/datasketch-venv"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import datasketch' 2>/dev/null; then
    mkdir -p "$tools"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'datasketch>=1.6,<2' >&2
fi
exec "$venv/bin/python" "$here/datasketch_baseline.py" "$@"
