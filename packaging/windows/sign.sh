#!/usr/bin/env bash
# Authenticode for the Windows register. Usage:
#   sign.sh testcert DIR          a throwaway test CA and code-signing certificate in DIR
#   sign.sh sign DIR FILE         sign FILE in place with DIR/signer.{crt,key}
#   sign.sh verify DIR FILE       osslsigncode verify against DIR/ca.crt; fails unless valid
# A real certificate: put its chain in DIR/signer.crt (PEM, leaf first), the
# key in DIR/signer.key (or use -pkcs11 / a PKCS#12, docs/INSTALL.md), and set
# TIMESTAMP_URL so the signature outlives the certificate.
set -euo pipefail
cmd=$1 dir=$2
case "$cmd" in
testcert)
	mkdir -p "$dir"
	[ -s "$dir/signer.crt" ] && [ -s "$dir/ca.crt" ] && exit 0
	cd "$dir"
	umask 077
	openssl req -x509 -newkey rsa:3072 -nodes -days 30 -subj "/CN=Till TEST CA - not for release" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
		-keyout ca.key -out ca.crt 2>/dev/null
	openssl req -newkey rsa:3072 -nodes -subj "/CN=Till TEST code signing - not for release/O=Till" \
		-keyout signer.key -out signer.csr 2>/dev/null
	printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
		"extendedKeyUsage=codeSigning" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >signer.ext
	openssl x509 -req -in signer.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
		-extfile signer.ext -out signer.crt 2>/dev/null
	cat signer.crt ca.crt >chain.crt
	;;
sign)
	file=$3
	chain="$dir/chain.crt"
	[ -s "$chain" ] || chain="$dir/signer.crt"
	ts=()
	[ -n "${TIMESTAMP_URL:-}" ] && ts=(-ts "$TIMESTAMP_URL")
	osslsigncode sign -h sha256 -certs "$chain" -key "$dir/signer.key" -n "Till Register" \
		-i https://github.com/tillpos/till "${ts[@]}" -in "$file" -out "$file.signed" >/dev/null
	mv "$file.signed" "$file"
	;;
verify)
	file=$3
	out=$(osslsigncode verify -CAfile "$dir/ca.crt" -in "$file" 2>&1) || { echo "$out" >&2; exit 1; }
	grep -q "Signature verification: ok" <<<"$out" || { echo "$out" >&2; exit 1; }
	echo "osslsigncode verify: $file: signature ok ($(grep -m1 'Subject:' <<<"$out" | sed 's/^[[:space:]]*//'))"
	;;
*)
	echo "sign.sh: unknown command $cmd" >&2
	exit 2
	;;
esac
