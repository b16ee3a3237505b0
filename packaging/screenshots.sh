#!/usr/bin/env bash
# make screenshots: run the real register GUI under a virtual X screen and
# save PNGs of its screens. Usage: screenshots.sh REGISTER_BINARY OUT_DIR
set -euo pipefail
bin=$1 out=$2
mkdir -p "$out"
export LANG=${LANG:-en_US.UTF-8}
started=""
if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:97
  Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  started=$!
  trap 'kill $started 2>/dev/null || true' EXIT
  for _ in $(seq 50); do xdpyinfo -display "$DISPLAY" >/dev/null 2>&1 && break; sleep 0.1; done
fi
"$bin" screenshots "$out"
ls -l "$out"/*.png
