#!/usr/bin/env bash
# Bob and Alice: the other netcat lesson, offline.
#
# Bob runs `nc -l 3000`, Alice runs `nc localhost 3000`, and whatever one types
# appears on the other's screen: TCP is just a two-way pipe of bytes. Here Bob
# is `rawhttp listen --chat` and Alice is `rawhttp chat`, on 127.0.0.1. Their
# "typing" is scripted (lines piped in, each after the other's), so this runs
# without a terminal; run the two commands in two terminals to type yourself.
#   - each line goes out with CRLF, and arrives shown as "< line\r\n";
#   - when Alice's input ends (Ctrl-D on a terminal) her side half-closes (FIN):
#     Bob is told, and can still answer; when Bob's input ends too, both exit.
#
# Run: examples/bob-and-alice.sh   (RAWHTTP=path/to/rawhttp to pick the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
RAWHTTP=${RAWHTTP:-build/rawhttp}
say() {  # a heading, bold on a terminal
    if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then printf '\n\033[1m## %s\033[0m\n' "$*"; else printf '\n## %s\n' "$*"; fi
}

work=$(mktemp -d)
bob=""
trap 'if [ -n "$bob" ]; then kill "$bob" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

# Each waits to read the other's line before answering, as people do.
# (wait_for FILE TEXT: until TEXT shows on that screen, for 10 s at most.)
wait_for() {
    for _ in $(seq 200); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    echo "(gave up waiting for: $2)" >&2
    return 1
}
# Bob greets Alice once she is connected; after her answer and her Ctrl-D, one last line.
bob_types() {
    wait_for "$work/bob.out" "connected"
    echo "Hi Alice, it's Bob. Can you read me?"
    wait_for "$work/bob.out" "the other side sent FIN"
    echo "Loud and clear. Bye!"
}
# Alice answers Bob, then presses Ctrl-D (her input ends: FIN).
alice_types() {
    wait_for "$work/alice.out" "Can you read me?"
    echo "Hello Bob! Yes, every byte."
}

say "Bob:   rawhttp listen 127.0.0.1:0 --chat -v     (port 0: any free port)"
bob_types | "$RAWHTTP" listen 127.0.0.1:0 --chat -v --port-file "$work/port" --max-time 30 \
    >"$work/bob.out" 2>&1 &
bob=$!
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")

say "Alice: rawhttp chat 127.0.0.1 $port -v"
set +e
alice_types | "$RAWHTTP" chat 127.0.0.1 "$port" -v --max-time 30 >"$work/alice.out" 2>&1
alice_rc=$?
wait "$bob"
bob_rc=$?
bob=""
set -e

say "Bob's screen (> what he sent, < what arrived)"
cat "$work/bob.out"
say "Alice's screen"
cat "$work/alice.out"
say "exit codes: Bob $bob_rc, Alice $alice_rc (0: the other side closed, the conversation ended)"
[ "$bob_rc" -eq 0 ] && [ "$alice_rc" -eq 0 ] || { echo "a side failed" >&2; exit 1; }
grep -q "< Hello Bob! Yes, every byte.\\\\r\\\\n" "$work/bob.out" || { echo "Bob did not get Alice's line" >&2; exit 1; }
grep -q "< Hi Alice, it's Bob. Can you read me?\\\\r\\\\n" "$work/alice.out" || { echo "Alice did not get Bob's line" >&2; exit 1; }
