#!/usr/bin/env bash
# The 400 lessons: why servers reject a request, predicted and observed.
#
# For every broken request of the gallery (requests/broken-*.req):
#   1. what `rawhttp lint` predicts (its first finding and the status it expects);
#   2. what rawhttp's practice server answers (its 400 body is the same lint finding);
#   3. what nginx answers, when nginx is installed (started here on a free 127.0.0.1 port);
#   4. what Node's strict http server answered when the verdicts were recorded.
# Then one request in full: lint's explanation, and send's "why" section.
#
# Run: examples/lint-lesson.sh   (RAWHTTP=path/to/rawhttp to pick the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
RAWHTTP=${RAWHTTP:-build/rawhttp}
say() { printf '\n\033[1m## %s\033[0m\n' "$*"; }
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$RAWHTTP" serve 127.0.0.1:0 --port-file "$tmp/port" --quiet &
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
serve_port=$(cat "$tmp/port")

nginx_port=""
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
  nginx_port=$(free_port)
  mkdir -p "$tmp/ngx/body"
  cat > "$tmp/ngx/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $tmp/ngx/nginx.pid; error_log $tmp/ngx/error.log;
events { worker_connections 64; }
http { access_log off; client_body_temp_path $tmp/ngx/body;
  server { listen 127.0.0.1:$nginx_port; location / { return 200 "ok\n"; } } }
CONF
  "$(command -v nginx || echo /usr/sbin/nginx)" -c "$tmp/ngx/nginx.conf" -p "$tmp/ngx" -e "$tmp/ngx/error.log" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$nginx_port) 2>/dev/null && break; sleep 0.05; done
fi

# The first status a server answers, or "timeout" (rawhttp send --json, 2 s at most).
status_of() {
  local out rc=0
  out=$("$RAWHTTP" send "$1" --var port="$2" --to "127.0.0.1:$2" --max-time 2 --json 2>/dev/null) || rc=$?
  [ "$rc" = 28 ] && { echo timeout; return; }
  printf '%s' "$out" | python3 -c 'import json,sys
d=json.load(sys.stdin)["exchanges"][0]
r=d.get("response")
print(r["status"] if r and r.get("status") else (d.get("error") or {}).get("kind","?"))'
}

say "Each broken request: lint's prediction, and what servers answer"
printf '%-40s %-46s %-8s %-8s %s\n' "request" "lint: first finding (expects)" "serve" "nginx" "Node (recorded)"
for f in requests/broken-*.req; do
  name=$(basename "$f")
  # lint exits 1 when it finds an error: that is the point here, not a failure.
  predicted=$({ "$RAWHTTP" lint "$name" --json || true; } | python3 -c 'import json,sys
fs=json.load(sys.stdin)["findings"]
e=[f for f in fs if f["severity"]=="error"] or fs
print("%s %s (%s)" % (e[0]["severity"], e[0]["id"], e[0]["expect_status"]) if e else "none")')
  serve=$(status_of "$name" "$serve_port")
  ngx="-"
  [ -n "$nginx_port" ] && ngx=$(status_of "$name" "$nginx_port")
  node=$(python3 -c 'import json,sys; print(json.load(open("requests/verdicts.json"))["verdicts"].get(sys.argv[1],{}).get("node","-"))' "$name")
  printf '%-40s %-46s %-8s %-8s %s\n' "$name" "$predicted" "$serve" "$ngx" "$node"
done

say "One lesson in full: a space before the colon (requests/broken-space-before-colon.req)"
cat requests/broken-space-before-colon.req
say "   lint explains it before anything is sent (exit status 1: an error)"
"$RAWHTTP" lint broken-space-before-colon.req || true
say "   send shows the server's 400, and why: the same finding, on the bytes actually sent"
"$RAWHTTP" send broken-space-before-colon.req --var port="$serve_port" --show raw,why
