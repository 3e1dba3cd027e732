#!/usr/bin/env bash
# The netcat lesson, offline.
#
# Everyone's first HTTP exercise is `nc www.google.com 80`, typing
#   GET / HTTP/1.1
#   Host: www.google.com
# and pressing Enter twice. This walk-through does the same against rawhttp's
# practice server, so it works with no network at all:
#   1. the request as a file, and the exact bytes it becomes (CR LF made visible);
#   2. what the server received, byte for byte (/echo sends it back);
#   3. the answer: the raw response beside its parsed view;
#   4. what netcat without -C really sends (bare LF): accepted with a warning, as nginx
#      and Google accept it, and rejected by a strict server (serve --strict, like Node).
#
# Run: examples/netcat-lesson.sh   (RAWHTTP=path/to/rawhttp to pick the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
RAWHTTP=${RAWHTTP:-build/rawhttp}
say() { printf '\n\033[1m## %s\033[0m\n' "$*"; }

portfile=$(mktemp)
"$RAWHTTP" serve 127.0.0.1:0 --port-file "$portfile" --quiet &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$portfile"' EXIT
for _ in $(seq 100); do [ -s "$portfile" ] && break; sleep 0.05; done
port=$(cat "$portfile")

say "1. The request, as you would type it into netcat (requests/get-local.req)"
cat requests/get-local.req
say "   ... and the exact bytes rawhttp will send: every line ends in CR LF (0d 0a)"
"$RAWHTTP" compose get-local.req --var port="$port" --hex

say "2. What the server received: /echo answers with the request's own bytes"
"$RAWHTTP" send echo-local.req --var port="$port" --show body

say "3. The answer: raw bytes beside the parsed status line and headers"
"$RAWHTTP" send get-local.req --var port="$port"

say "4. netcat without -C sends bare LF line ends: a warning of the rule book"
"$RAWHTTP" lint get-local.req --var port="$port" --eol lf || true
say "   the practice server accepts it, as nginx and Google do, and names the warning"
"$RAWHTTP" send get-local.req --var port="$port" --eol lf --show parsed --fail
say "   a strict server (rawhttp serve --strict; Node too) rejects it"
strictfile=$(mktemp)
"$RAWHTTP" serve 127.0.0.1:0 --port-file "$strictfile" --quiet --strict &
strict=$!
trap 'kill $server $strict 2>/dev/null; wait $server $strict 2>/dev/null; rm -f "$portfile" "$strictfile"' EXIT
for _ in $(seq 100); do [ -s "$strictfile" ] && break; sleep 0.05; done
set +e
"$RAWHTTP" send get-local.req --var port="$(cat "$strictfile")" --eol lf --show raw,parsed --fail
rc=$?
set -e
echo "(exit $rc: --fail turns a 4xx into exit 22, like curl)"
[ "$rc" -eq 22 ] || { echo "expected serve --strict to answer 400 to bare LF" >&2; exit 1; }
