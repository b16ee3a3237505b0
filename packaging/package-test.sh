#!/usr/bin/env bash
# make package-test: installs the .debs from dist/ into a throwaway root
# (dpkg --root with --force-script-chrootless; the maintainer scripts honour
# DPKG_ROOT), runs the installed binaries, starts and stops the head office
# as its service user, checks owners and modes and the systemd unit, then
# removes and purges and checks that nothing unexpected is left. Exits
# non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${VERSION:-$(cat packaging/VERSION)}
REG=dist/till-register_${VERSION}_amd64.deb
HQ=dist/till-headoffice_${VERSION}_amd64.deb
for f in "$REG" "$HQ"; do [ -f "$f" ] || { echo "package-test: $f missing (make package-deb)" >&2; exit 1; }; done

R=$(mktemp -d /tmp/till-pkgroot.XXXXXX)
chmod 0755 "$R" # the service user must reach /etc and /var/lib in it
hqpid=""
cleanup() {
	[ -n "$hqpid" ] && kill "$hqpid" 2>/dev/null || true
	rm -rf "$R"
}
trap cleanup EXIT
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }
pass() { echo "package-test: ok: $*"; }

# A root with a dpkg database and the host's accounts plus a cashier who
# "runs sudo dpkg -i" (SUDO_USER), so the postinst adds them to the groups.
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers" "$R/etc" "$R/tmp"
touch "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/available"
for f in passwd group shadow gshadow; do
	if [ -f "/etc/$f" ]; then cp -p "/etc/$f" "$R/etc/$f"; else touch "$R/etc/$f"; fi
done
grep -q '^dialout:' "$R/etc/group" || echo 'dialout:x:20:' >>"$R/etc/group"
echo 'cashier:x:4711:4711:Cashier:/home/cashier:/bin/sh' >>"$R/etc/passwd"
echo 'cashier:x:4711:' >>"$R/etc/group"
echo 'cashier:!:20000:0:99999:7:::' >>"$R/etc/shadow"
echo 'cashier:!::' >>"$R/etc/gshadow"
find "$R" -mindepth 1 | sort >"$R/tmp/before"

# Dependencies (libGL, libusb) are the host's business, not the root's.
dpkgr() { dpkg --root="$R" --force-script-chrootless --force-not-root --force-depends --log=/dev/null "$@"; }
SUDO_USER=cashier dpkgr -i "$REG" "$HQ" >"$R/tmp/install.log" 2>&1 || { cat "$R/tmp/install.log"; fail "dpkg -i"; }
grep -q "added cashier to the groups till and dialout" "$R/tmp/install.log" || { cat "$R/tmp/install.log"; fail "postinst did not report adding the installing user"; }
for p in till-register till-headoffice; do
	st=$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f '${Status} ${Version}' $p)
	[ "$st" = "install ok installed $VERSION" ] || fail "$p status: $st"
done
pass "both packages installed ($VERSION)"

# mode owner group of a path in the root, with names from the root's files.
gid_of() { awk -F: -v g="$1" '$1 == g { print $3 }' "$R/etc/group"; }
uid_of() { awk -F: -v u="$1" '$1 == u { print $3 }' "$R/etc/passwd"; }
want_mode() { # PATH MODE UID GID
	local got
	got=$(stat -c '%a %u %g' "$R$1") || fail "$1 missing"
	[ "$got" = "$2 $3 $4" ] || fail "$1: mode/uid/gid $got, want $2 $3 $4"
}
till=$(gid_of till)
hquid=$(uid_of till-headoffice)
hqgid=$(gid_of till-headoffice)
[ -n "$till" ] || fail "group till not created"
[ -n "$hquid" ] && [ -n "$hqgid" ] || fail "user till-headoffice not created"
awk -F: '$1 == "till-headoffice" { exit !($7 == "/usr/sbin/nologin" && $3 < 1000) }' "$R/etc/passwd" || fail "till-headoffice must be a system user without a shell"
for g in till dialout; do
	awk -F: -v g=$g '$1 == g { n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == "cashier") f = 1 } END { exit !f }' "$R/etc/group" ||
		fail "cashier not in group $g"
done
want_mode /usr/bin/till-register 755 0 0
want_mode /usr/bin/till-headoffice 755 0 0
want_mode /var/lib/till 2770 0 "$till"
want_mode /var/lib/till-headoffice 750 "$hquid" "$hqgid"
want_mode /etc/till/headoffice.json 640 0 "$hqgid"
want_mode /lib/udev/rules.d/60-till-devices.rules 644 0 0
want_mode /lib/systemd/system/till-headoffice.service 644 0 0
want_mode /usr/share/applications/till-register.desktop 644 0 0
want_mode /usr/share/icons/hicolor/256x256/apps/till-register.png 644 0 0
want_mode /usr/share/till-register/kiosk/till-register-kiosk.desktop 644 0 0
[ ! -e "$R/etc/xdg/autostart/till-register-kiosk.desktop" ] || fail "kiosk autostart must be installed disabled"
dpkg-query --admindir="$R/var/lib/dpkg" -W -f '${Conffiles}' till-headoffice | grep -q '/etc/till/headoffice.json' ||
	fail "/etc/till/headoffice.json is not a conffile"
pass "accounts, groups, owners and modes"

out=$(LANG=en_US.UTF-8 "$R/usr/bin/till-register" -version) || fail "till-register -version exited $?"
[ "$out" = "register $VERSION" ] || fail "till-register -version: $out"
out=$("$R/usr/bin/till-headoffice" -version) || fail "till-headoffice -version exited $?"
[ "$out" = "headoffice $VERSION" ] || fail "till-headoffice -version: $out"
pass "installed binaries report $VERSION"

if command -v systemd-analyze >/dev/null; then
	# The unit names /usr/bin/till-headoffice: check it with the root's copy,
	# and its Documentation= man page with the root's man pages.
	mkdir -p "$R/tmp/unit"
	sed "s|/usr/bin/till-headoffice|$R/usr/bin/till-headoffice|" "$R/lib/systemd/system/till-headoffice.service" >"$R/tmp/unit/till-headoffice.service"
	if ! out=$(MANPATH="$R/usr/share/man" SYSTEMD_LOG_LEVEL=notice systemd-analyze verify "$R/tmp/unit/till-headoffice.service" 2>&1) || [ -n "$out" ]; then
		echo "$out"
		fail "systemd-analyze verify"
	fi
	pass "systemd-analyze verify: unit clean"
else
	echo "package-test: systemd-analyze not installed; unit not verified"
fi

# The head office from the installed files, as the service's user with the
# packaged config (the port is overridden: 8443 may be taken).
mkfifo "$R/tmp/hq.log"
setpriv --reuid="$hquid" --regid="$hqgid" --clear-groups \
	"$R/usr/bin/till-headoffice" -config "$R/etc/till/headoffice.json" -data "$R/var/lib/till-headoffice" -addr 127.0.0.1:0 \
	2>"$R/tmp/hq.log" &
hqpid=$!
exec 3<"$R/tmp/hq.log"
addr=""
while IFS= read -r -t 60 -u 3 line; do
	echo "  hq: $line"
	if [[ $line == *"head office listening"* ]]; then
		addr=$(sed -n 's/.*addr=\([^ ]*\).*/\1/p' <<<"$line")
		break
	fi
done
[ -n "$addr" ] || fail "head office did not report listening"
curl -fsS --max-time 10 "$addr/livez" >/dev/null || fail "GET $addr/livez"
kill -TERM "$hqpid"
rc=0
wait "$hqpid" || rc=$?
hqpid=""
rest=$(cat <&3)
exec 3<&-
[ "$rc" -eq 0 ] || { echo "$rest"; fail "head office exited $rc on SIGTERM"; }
grep -q 'msg=stopped' <<<"$rest" || { echo "$rest"; fail "head office did not log its clean stop"; }
want_mode /var/lib/till-headoffice/tls-key.pem 600 "$hquid" "$hqgid"
[ "$(stat -c %u "$R/var/lib/till-headoffice/headoffice.db")" = "$hquid" ] || fail "database not owned by till-headoffice"
pass "head office started as till-headoffice, answered /livez at $addr, stopped cleanly"

dpkgr -r till-register till-headoffice >"$R/tmp/remove.log" 2>&1 || { cat "$R/tmp/remove.log"; fail "dpkg -r"; }
[ ! -e "$R/usr/bin/till-register" ] && [ ! -e "$R/usr/bin/till-headoffice" ] || fail "binaries left after remove"
[ -f "$R/etc/till/headoffice.json" ] || fail "remove must keep the conffile"
dpkgr -P till-register till-headoffice >"$R/tmp/purge.log" 2>&1 || { cat "$R/tmp/purge.log"; fail "dpkg -P"; }
for p in till-register till-headoffice; do
	if dpkg-query --admindir="$R/var/lib/dpkg" -W $p >/dev/null 2>&1; then fail "$p still known to dpkg after purge"; fi
done
[ ! -e "$R/etc/till" ] || fail "/etc/till left after purge"
[ ! -e "$R/var/lib/till" ] || fail "empty /var/lib/till left after purge"
[ -f "$R/var/lib/till-headoffice/headoffice.db" ] || fail "purge must keep the head office's data"
grep -q "kept $R/var/lib/till-headoffice" "$R/tmp/purge.log" || fail "purge did not say it kept the data"
rm -rf "$R/var/lib/till-headoffice"
# Left over: what dpkg keeps in its own database, the accounts (Debian
# leaves system users and groups), and this test's own files.
find "$R" -mindepth 1 | sort >"$R/tmp/after"
extra=$(comm -13 "$R/tmp/before" "$R/tmp/after" | grep -v -e "^$R/var/lib/dpkg/" -e "^$R/tmp/" -e "^$R/etc/\(passwd\|group\|shadow\|gshadow\)-\?$" || true)
[ -z "$extra" ] || fail "left after purge: $extra"
pass "removed and purged; journal data kept, nothing else left"
echo "package-test: all passed"
