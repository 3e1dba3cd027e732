#!/usr/bin/env bash
# In the middle of a real conversation: curl -> rawhttp relay -> rawhttp serve, offline.
#
#   1. the practice server listens; rawhttp relay sits in front of it and
#      forwards every byte unchanged both ways, showing each exchange: the
#      client's address and ephemeral port, request and response raw (CR and
#      LF visible) and parsed, the rule book's findings on both, the timing;
#      --save writes each exchange as NNNN.req and NNNN.response;
#   2. curl posts a form through the relay to /echo;
#   3. the saved 0001.req, replayed with rawhttp send straight to the server,
#      reaches it byte for byte (its /echo answers with what it received);
#   4. rawhttp relay --as-proxy: curl with http_proxy set sends an
#      absolute-form request, and the relay shows what a proxy changes.
#
# Run: examples/relay-lesson.sh   (RAWHTTP=path/to/rawhttp to pick the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
RAWHTTP=${RAWHTTP:-build/rawhttp}
say() {  # a heading, bold on a terminal
    if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then printf '\n\033[1m## %s\033[0m\n' "$*"; else printf '\n## %s\n' "$*"; fi
}
command -v curl >/dev/null || { echo "this walk-through needs curl (apt-get install curl)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
wait_port() { for _ in $(seq 200); do [ -s "$1" ] && break; sleep 0.05; done; cat "$1"; }
wait_line() { for _ in $(seq 200); do grep -q "$2" "$1" && break; sleep 0.05; done; }

say "1. rawhttp serve 127.0.0.1:0, and rawhttp relay 127.0.0.1:0 --to it --save caps/"
"$RAWHTTP" serve 127.0.0.1:0 --port-file "$work/serve.port" --quiet &
pids+=("$!")
sport=$(wait_port "$work/serve.port")
"$RAWHTTP" relay 127.0.0.1:0 --to "127.0.0.1:$sport" --save "$work/caps" --port-file "$work/relay.port" \
    --max-time 60 >"$work/relay.out" 2>&1 &
relay=$!
pids+=("$relay")
rport=$(wait_port "$work/relay.port")
echo "serve on 127.0.0.1:$sport, the relay on 127.0.0.1:$rport in front of it"

say "2. curl posts a form through the relay"
echo "\$ curl -sS -d 'name=alice' -H 'X-Lesson: relay' http://127.0.0.1:$rport/echo"
curl -sS --noproxy '*' --max-time 10 -d 'name=alice' -H 'X-Lesson: relay' "http://127.0.0.1:$rport/echo"
wait_line "$work/relay.out" "^connection 1 closed"
kill "$relay"
wait "$relay" || true
echo
echo "--- what the relay showed:"
cat "$work/relay.out"

say "3. The saved request (caps/0001.req), replayed with rawhttp send straight to serve"
cat "$work/caps/0001.req"
"$RAWHTTP" send "$work/caps/0001.req" --to "127.0.0.1:$sport" --show body >"$work/echoed"
"$RAWHTTP" compose "$work/caps/0001.req" >"$work/composed"
if cmp -s "$work/echoed" "$work/composed"; then
    echo "serve received exactly the bytes curl sent through the relay ($(wc -c <"$work/composed") bytes): a byte-for-byte replay"
else
    echo "the replay differs from the capture" >&2
    exit 1
fi

say "4. rawhttp relay --as-proxy: what a forward proxy changes (RFC 9110 §7.6)"
"$RAWHTTP" relay 127.0.0.1:0 --as-proxy --port-file "$work/proxy.port" --max-time 60 >"$work/proxy.out" 2>&1 &
proxy=$!
pids+=("$proxy")
pport=$(wait_port "$work/proxy.port")
echo "\$ http_proxy=http://127.0.0.1:$pport curl -sS http://127.0.0.1:$sport/echo"
http_proxy="http://127.0.0.1:$pport" curl -sS --max-time 10 "http://127.0.0.1:$sport/echo"
wait_line "$work/proxy.out" "^connection 1 closed"
kill "$proxy"
wait "$proxy" || true
echo "--- what the proxy showed (the diff: - what came in, + what went out):"
sed -n '/^as the proxy sent it/,/^response from/p' "$work/proxy.out"
