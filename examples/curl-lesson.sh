#!/usr/bin/env bash
# The curl lesson, offline: what does curl send?
#
# You type a request; curl does not send exactly that. It adds User-Agent and
# Accept, and Expect: 100-continue for larger bodies, writes every line with
# CR LF, and builds the request line itself. rawhttp shows how, with the real
# libcurl, against its practice server's /echo page (which answers with the
# exact bytes it received):
#   1. what a plain `curl URL` sends for get-local.req, diffed against the file;
#   2. the server's view: /echo's body, through libcurl;
#   3. libcurl asked to send the file exactly (its own headers removed): a match;
#   4. the file with bare LF line ends (netcat without -C): libcurl still writes CR LF;
#   5. the same comparison as JSON, for scripts.
#
# Run: examples/curl-lesson.sh   (RAWHTTP=path/to/rawhttp to pick the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
RAWHTTP=${RAWHTTP:-build/rawhttp}
say() { printf '\n\033[1m## %s\033[0m\n' "$*"; }

portfile=$(mktemp)
# --strict: the practice server rejects rule-book warnings too (a bare LF), as Node does.
"$RAWHTTP" serve 127.0.0.1:0 --port-file "$portfile" --quiet --strict &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$portfile"' EXIT
for _ in $(seq 100); do [ -s "$portfile" ] && break; sleep 0.05; done
port=$(cat "$portfile")

say "1. What does curl send? A plain 'curl URL' for requests/get-local.req, against the file"
cat requests/get-local.req
set +e
"$RAWHTTP" compare get-local.req --var port="$port" --curl-default
rc=$?
set -e
echo "(exit $rc: compare exits 1 when the two differ)"
[ "$rc" -eq 1 ] || { echo "expected curl's default request to differ from the file" >&2; exit 1; }

say "2. The server's view: /echo answers with the exact bytes libcurl wrote"
"$RAWHTTP" send echo-local.req --var port="$port" --via curl --curl-default --show body

say "3. libcurl asked to send the file as it is (its own headers removed): the same bytes, exit 0"
"$RAWHTTP" compare echo-local.req --var port="$port"

say "4. Bare LF line ends, as netcat without -C sends them: libcurl writes CR LF whatever you type"
diff=$("$RAWHTTP" compare get-local.req --var port="$port" --eol lf) || [ $? -eq 1 ]
printf '%s\n' "$diff" | sed -n '/^requests/,/^responses/p'
printf '%s\n' "$diff" | grep -A1 '^  status'   # and the strict server's answer to each (serve --strict)

say "5. For scripts: --json, one document; here, the names of the headers curl added"
json=$("$RAWHTTP" compare get-local.req --var port="$port" --curl-default --json) || [ $? -eq 1 ]
printf '%s' "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("match:", d["match"]); [print("curl added", c["name"]) for e in d["exchanges"] for c in e["requests"]["changes"] if c["kind"] == "added"]'
