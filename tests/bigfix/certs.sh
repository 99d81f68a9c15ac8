#!/bin/sh
# tests/bigfix/certs.sh DIR - throwaway certificates for the stand-in BigFix server.
#
# Made at test time, never committed, valid for a day:
#   ca.crt                        the deployment's own CA (what --cacert names)
#   server.crt server.key         127.0.0.1 and localhost, signed by ca.crt
#   wrong-ca.crt                  another CA, that nobody should trust
#   wrong.crt wrong.key           127.0.0.1 and localhost, signed by wrong-ca.crt
#   otherhost.crt otherhost.key   signed by ca.crt, but for another host name
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"

ca() { # NAME SUBJECT
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$2" \
		-keyout "$1.key" -out "$1.crt" 2>/dev/null
}

leaf() { # NAME CA SAN
	openssl req -newkey rsa:2048 -nodes -subj "/CN=bfplan test server" \
		-keyout "$1.key" -out "$1.csr" 2>/dev/null
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$3" > "$1.ext"
	openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial -days 1 \
		-extfile "$1.ext" -out "$1.crt" 2>/dev/null
	rm -f "$1.csr" "$1.ext"
}

ca ca "bfplan test CA"
ca wrong-ca "an untrusted CA"
leaf server ca "IP:127.0.0.1,DNS:localhost"
leaf wrong wrong-ca "IP:127.0.0.1,DNS:localhost"
leaf otherhost ca "DNS:bigfix.other.invalid"
