#!/usr/bin/env bash
# What does curl really send? The `nc -l 8080` + curl lesson, offline.
#
#   1. rawhttp listen waits on 127.0.0.1 (like nc -l), shows every byte curl
#      sends with CR and LF visible, the parsed request, and answers a small
#      200 so curl finishes; --save writes what it received as a .req file;
#   2. the saved .req: @eol = keep and {{...}} keep the bytes exact;
#   3. rawhttp compose shows the bytes it would send: exactly curl's;
#   4. rawhttp send replays them to the practice server's /echo, which sends
#      back what it received: curl's request, byte for byte.
#
# Run: examples/capture-curl.sh   (RAWHTTP=path/to/rawhttp to pick the binary)
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

say "1. rawhttp listen 127.0.0.1:0 --once --save curl.req, while curl posts a form to it"
"$RAWHTTP" listen 127.0.0.1:0 --once --save "$work/curl.req" --port-file "$work/port" --max-time 30 \
    >"$work/listen.out" 2>&1 &
listen=$!
pids+=("$listen")
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
echo "\$ curl -sS -d 'name=alice&lesson=1' -H 'X-Lesson: netcat' http://127.0.0.1:$port/echo"
curl -sS --noproxy '*' --max-time 10 -d 'name=alice&lesson=1' -H 'X-Lesson: netcat' "http://127.0.0.1:$port/echo"
wait "$listen"
echo
echo "--- what listen showed:"
cat "$work/listen.out"

say "2. The saved request (curl.req)"
cat "$work/curl.req"

say "3. rawhttp compose curl.req --hex: the bytes send would write"
"$RAWHTTP" compose "$work/curl.req" --hex

say "4. rawhttp send curl.req to the practice server: /echo answers with what it received"
"$RAWHTTP" serve 127.0.0.1:0 --port-file "$work/serve.port" --quiet &
pids+=("$!")
for _ in $(seq 200); do [ -s "$work/serve.port" ] && break; sleep 0.05; done
sport=$(cat "$work/serve.port")
"$RAWHTTP" send "$work/curl.req" --to "127.0.0.1:$sport" --show body >"$work/echoed"
"$RAWHTTP" compose "$work/curl.req" >"$work/composed"
cat "$work/echoed"
echo
if cmp -s "$work/echoed" "$work/composed"; then
    echo "the server received exactly the bytes curl sent ($(wc -c <"$work/composed") bytes): a byte-for-byte replay"
else
    echo "the replay differs from the capture" >&2
    exit 1
fi
