#!/usr/bin/env bash
# make run: head office, simulated devices and the register on loopback, all
# data under $DATA. Ctrl-C stops all of them.
set -euo pipefail
DATA=${DATA:-$PWD/till-data}
BIN=${BIN:-bin}
HO_ADDR=${HO_ADDR:-127.0.0.1:8080}
PRINTER_ADDR=${PRINTER_ADDR:-127.0.0.1:9100}
ZVT_ADDR=${ZVT_ADDR:-127.0.0.1:20007}
DEV="$DATA/dev"         # the simulated serial devices' ports (pty symlinks)
CMDS="$DATA/devicesim.cmd" # echo commands here: scan CODE, weight KG, paper-out, drawer-closed ...
mkdir -p "$DATA/headoffice" "$DATA/register" "$DATA/devicesim" "$DEV"

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

"$BIN/headoffice" -addr "$HO_ADDR" -data "$DATA/headoffice" 2> >(sed -u 's/^/[headoffice] /' >&2) &
pids+=($!)
# devicesim reads commands (scans, weights, faults) on stdin: here from a
# FIFO opened read-write, so it never sees EOF and anyone can write to it.
[ -p "$CMDS" ] || { rm -f "$CMDS"; mkfifo "$CMDS"; }
"$BIN/devicesim" -printer "$PRINTER_ADDR" -zvt "$ZVT_ADDR" -scanner "$DEV/scanner" -display "$DEV/display" \
  -scale "$DEV/scale" -out "$DATA/devicesim" <>"$CMDS" > >(sed -u 's/^/[devicesim] /') 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "$DEV/scale" ] && break; sleep 0.1; done
echo "weight 0.742" >"$CMDS" # something on the scale for the weighed quick keys

# The register's devices, generated on every run (for your own devices
# write a file like docs/DEVICES.md's and run bin/register -config FILE).
cat >"$DATA/register.json" <<JSON
{
  "devices": [
    {"name": "printer", "kind": "printer", "transport": "tcp", "address": "$PRINTER_ADDR",
     "options": {"profile": "80mm", "drawer": "wait", "pin": "2"}},
    {"name": "scanner", "kind": "scanner", "transport": "serial", "address": "$DEV/scanner", "options": {"suffix": "CR"}},
    {"name": "display", "kind": "display", "transport": "serial", "address": "$DEV/display"},
    {"name": "scale", "kind": "scale", "transport": "serial", "address": "$DEV/scale", "options": {"mode": "9600 7E1"}},
    {"name": "terminal", "kind": "terminal", "transport": "tcp", "address": "$ZVT_ADDR"}
  ],
  "device_poll": "2s"
}
JSON
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
  head office    http://$HO_ADDR/dashboard  (log in with any name and the password in $DATA/headoffice/admin-token)
  printer        tcp $PRINTER_ADDR  (ESC/POS simulator, receipts in $DATA/devicesim/printer, drawer on pin 2)
  card terminal  tcp $ZVT_ADDR  (ZVT simulator, approves)
  scanner        $DEV/scanner  (serial 9600 8N1, CR)
  pole display   $DEV/display  (serial 9600 8N1)
  scale          $DEV/scale  (serial 9600 7E1, 0.742 kg on it)
  register       database in $DATA/register, devices in $DATA/register.json
Simulator commands (help lists them all), e.g.:
  echo "scan 4002609718733" > $CMDS
  weight 1.250 | motion | stable | drawer-closed | paper-out | paper-ok | zvt decline | status
Ctrl-C stops everything.
MSG
# -demo: the demo catalog and staff (PINs 1111-4444) on first run; a shop's
# register never gets them.
"$BIN/register" -config "$DATA/register.json" -data "$DATA/register" -headoffice "http://$HO_ADDR" -demo "$@"
