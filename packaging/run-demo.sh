#!/usr/bin/env bash
# make run: head office, simulated devices and the register on loopback, all
# data under $DATA. Ctrl-C stops all of them.
set -euo pipefail
DATA=${DATA:-$PWD/till-data}
BIN=${BIN:-bin}
HO_ADDR=${HO_ADDR:-127.0.0.1:8080}
PRINTER_ADDR=${PRINTER_ADDR:-127.0.0.1:9100}
mkdir -p "$DATA/headoffice" "$DATA/register" "$DATA/devicesim"

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<MSG
make run: no display found. The register is a desktop (Fyne) app and needs a screen.
On a headless machine start a virtual one and point the register at it:
  apt-get install -y xvfb        # once
  Xvfb :99 -screen 0 1280x800x24 &
  DISPLAY=:99 make run
MSG
  exit 1
fi

pids=()
cleanup() {
  trap - INT TERM EXIT
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "make run: stopped. Data kept in $DATA"
}
trap cleanup INT TERM EXIT

"$BIN/headoffice" -addr "$HO_ADDR" -data "$DATA/headoffice" 2> >(sed 's/^/[headoffice] /' >&2) &
pids+=($!)
# devicesim reads fault commands on stdin; keep it open but idle here.
tail -f /dev/null | "$BIN/devicesim" -printer "$PRINTER_ADDR" -out "$DATA/devicesim" 2>&1 | sed 's/^/[devicesim] /' &
pids+=($!)
sleep 0.5
# Enroll the demo register once (loopback: plain HTTP). The head office
# prints a one-time code; the register keeps its key and token in its data.
if [ ! -f "$DATA/register/enrollment.json" ]; then
  "$BIN/headoffice" stores add --id S01 --name "Till Markt" -data "$DATA/headoffice" >/dev/null 2>&1 || true
  CODE=$("$BIN/headoffice" registers add --store S01 --id S01R01 --name "Demo register" -data "$DATA/headoffice" \
    --url "http://$HO_ADDR" | sed -n 's/^enrollment code: \([^ ]*\).*/\1/p')
  if [ -n "$CODE" ]; then
    "$BIN/register" enroll -headoffice "http://$HO_ADDR" -code "$CODE" -data "$DATA/register"
  else
    echo "make run: could not enroll the demo register (already added at the head office?); sales stay local" >&2
  fi
fi
cat <<MSG
make run: data in $DATA
  head office  http://$HO_ADDR/        (database $DATA/headoffice)
  printer sim  $PRINTER_ADDR           (receipts in $DATA/devicesim)
  register     database $DATA/register/register.db
Ctrl-C stops everything.
MSG
"$BIN/register" -data "$DATA/register" -printer "$PRINTER_ADDR" -headoffice "http://$HO_ADDR" "$@"
