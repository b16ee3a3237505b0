#!/usr/bin/env bash
# Builds Till's packages into dist/ (make package). Usage:
#   packaging/package.sh linux     till-register and till-headoffice .debs, lintian
#   packaging/package.sh fyne      the tarball of 'fyne package -os linux'
#   packaging/package.sh windows   register.exe (mingw cgo), NSIS installer, test-signed
# VERSION (default: packaging/VERSION) must start with a digit (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
VERSION=${VERSION:-$(cat packaging/VERSION)}
export VERSION
NFPM="github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2"
FYNE="fyne.io/tools/cmd/fyne@v1.7.4"
LDFLAGS="-s -w -X main.version=$VERSION"
B=dist/build
mkdir -p dist "$B/linux" "$B/windows"

linux() {
	# PIE and full RELRO, as Debian builds its own binaries (lintian checks).
	CGO_ENABLED=1 CGO_LDFLAGS="-Wl,-z,relro,-z,now" $GO build -trimpath -buildmode=pie -ldflags "$LDFLAGS" -o "$B/linux/till-register" ./cmd/register
	CGO_ENABLED=0 $GO build -trimpath -buildmode=pie -ldflags "$LDFLAGS" -o "$B/linux/till-headoffice" ./cmd/headoffice
	gzip -9n <packaging/linux/till-register.1 >"$B/linux/till-register.1.gz"
	gzip -9n <packaging/linux/till-headoffice.8 >"$B/linux/till-headoffice.8.gz"
	# The changelog's date is the commit's, so that a rebuild is identical.
	date=$(git log -1 --format=%cD 2>/dev/null || date -R)
	sed -e "s/@VERSION@/$VERSION/g" -e "s/@DATE@/$date/" packaging/linux/changelog.in | gzip -9n >"$B/linux/changelog.gz"
	# Scripts and files must not be group-writable in the package, whatever
	# the umask of the checkout.
	chmod 0755 packaging/linux/*.postinst packaging/linux/*.postrm packaging/linux/*.prerm
	for p in register headoffice; do
		rm -f dist/till-${p}_*.deb
		$GO run $NFPM package -f packaging/nfpm-$p.yaml -p deb -t dist/
	done
	lint dist/till-register_"$VERSION"_amd64.deb dist/till-headoffice_"$VERSION"_amd64.deb
}

# lint fails on any lintian error; the warnings left are listed with their
# reasons in docs/INSTALL.md.
lint() {
	if ! command -v lintian >/dev/null; then
		echo "package: lintian missing (make deps-pkg)" >&2
		return 1
	fi
	# lintian exits 0 when it found no error (its default --fail-on=error),
	# 1 on errors and 2 when it could not run: anything but 0 fails.
	local out rc=0
	out=$(lintian --tag-display-limit 0 "$@" 2>&1) || rc=$?
	[ -z "$out" ] || echo "$out"
	if [ "$rc" -ne 0 ]; then
		echo "package: lintian failed (exit $rc)" >&2
		return 1
	fi
	echo "lintian: no errors on $*"
}

fyne_tar() {
	[ -x "$B/linux/till-register" ] || linux
	# fyne reads the app's metadata from its Go source directory even when
	# given a built executable; the tarball lands there.
	local top=$PWD
	# A copy in its own folder: the tarball's folder and binary take its name.
	mkdir -p "$B/fyne"
	cp "$B/linux/till-register" "$B/fyne/till-register"
	(cd cmd/register && $GO run $FYNE package -os linux --exe "$top/$B/fyne/till-register" --name "Till Register" \
		--icon "$top/assets/icon.png" --app-id org.tillpos.register --app-version "${VERSION%%[+~-]*}" --release)
	mv cmd/register/*.tar.xz "dist/till-register-$VERSION-linux-amd64.tar.xz"
}

windows() {
	local exe=$B/windows/register.exe
	# cgo for Fyne's OpenGL driver; hardware/usbdev leaves gousb out on Windows.
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
		$GO build -trimpath -ldflags "$LDFLAGS -H windowsgui" -o "$exe" ./cmd/register
	packaging/windows/sign.sh testcert "$B/windows/cert"
	packaging/windows/sign.sh sign "$B/windows/cert" "$exe"
	makensis -V2 -DVERSION="$VERSION" -DEXE="$PWD/$exe" -DICON="$PWD/packaging/windows/till.ico" \
		-DOUTFILE="$PWD/$B/windows/till-register-setup.exe" packaging/windows/till.nsi
	packaging/windows/sign.sh sign "$B/windows/cert" "$B/windows/till-register-setup.exe"
	mv "$B/windows/till-register-setup.exe" "dist/till-register-$VERSION-setup.exe"
	packaging/windows/sign.sh verify "$B/windows/cert" "dist/till-register-$VERSION-setup.exe"
}

for step in "$@"; do
	start=$(date +%s)
	case "$step" in
	linux) linux ;;
	fyne) fyne_tar ;;
	windows) windows ;;
	*) echo "package.sh: unknown step $step (linux, fyne, windows)" >&2; exit 2 ;;
	esac
	echo "package $step: $(($(date +%s) - start)) s"
done
ls -l dist/*.deb dist/*.tar.xz dist/*.exe 2>/dev/null || true
