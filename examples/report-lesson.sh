#!/usr/bin/env bash
# The netcat lesson as pictures: the conversation drawn, then a page to hand out.
#
# The netcat lesson (examples/netcat-lesson.sh) is told in bytes. This walk-through
# draws the same exchange against rawhttp's practice server, offline:
#   1. the conversation in the terminal: the client on the left, the server on the
#      right, time going down (connect with the local port, each write and read with
#      its size and first bytes, the end of the head, who closed first);
#   2. the same exchange with netcat's bare LF line ends (what `nc` without -C sends),
#      written to one self-contained HTML page: the sequence diagram, the timing
#      waterfall, the request and the response line by line beside their meaning,
#      and lint's bare-lf warning linked to the lines it concerns.
#
# Run: examples/report-lesson.sh   (RAWHTTP=path/to/rawhttp picks the binary;
#      REPORT=path.html says where the page goes, else a temporary folder)
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

say "1. The conversation: GET / to the practice server, as a sequence diagram"
"$RAWHTTP" send get-local.req --var port="$port" --show timeline

report=${REPORT:-$(mktemp -d)/netcat-lesson.html}
say "2. What netcat without -C sends (bare LF), as a page: $report"
"$RAWHTTP" send get-local.req --var port="$port" --eol lf --show parsed --report "$report"
echo
echo "open it in a browser (nothing on it is loaded from the network), or print it:"
echo "  $report ($(wc -c <"$report") bytes)"
grep -c 'class="arrow ' "$report" | sed 's/^/  arrows in its sequence diagram: /'
grep -o '\[bare-lf\]' "$report" | head -1 | sed 's/^/  lint finding linked to the request line: /'
