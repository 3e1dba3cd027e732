"""Hostile servers: rawhttp must give the contract's exit code and a clear
message in bounded time and memory, never crash or hang. Every server here is
on 127.0.0.1 and stops when the client goes away."""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

# Peak memory allowed for a normal build, whatever the server sends.
MEMORY_BOUND_KIB = 16 * 1024


def req_for(tmp, port, extra=""):
    return h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1:%d\n%s\n" % (port, extra))


def endless(prefix, unit, limit_seconds=20):
    """A piece that sends prefix, then unit forever (until the client closes)."""
    def send(c):
        c.sendall(prefix)
        end = time.monotonic() + limit_seconds
        while time.monotonic() < end:
            c.sendall(unit)
    return send


def check_memory(rss_kib, what):
    if h.asan_build():
        return
    h.check(rss_kib < MEMORY_BOUND_KIB, "%s: peak memory %d KiB, bound %d KiB" % (what, rss_kib, MEMORY_BOUND_KIB))


def test_head_dripped_one_byte_at_a_time(tmp):
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc"
    pieces = []
    for i in range(len(raw)):
        pieces += [raw[i:i + 1], 0.003]
    with h.ScriptedServer(pieces) as srv:
        rc, doc, _ = h.run_json(["send", req_for(tmp, srv.port), "--max-time", "10"])
    h.eq(rc, 0, "exit")
    r = doc["exchanges"][0]["response"]
    h.eq((r["status"], r["body"]), (200, "abc"), "parsed")


def test_never_ending_head_is_8_in_bounded_memory(tmp):
    piece = endless(b"HTTP/1.1 200 OK\r\n", b"X-Filler: " + b"a" * 1000 + b"\r\n")
    with h.ScriptedServer([piece]) as srv:
        rc, out, err, took, rss = h.run_measured(["send", req_for(tmp, srv.port), "--max-time", "20"])
    h.eq(rc, 8, "exit (stderr %r)" % err[-300:])
    h.check(b"--max-head-size" in err, "says how to raise the limit: %r" % err[-300:])
    h.check(took < 15, "stops at the limit, not at --max-time (took %.1fs)" % took)
    check_memory(rss, "endless head")


def test_one_mebibyte_header_line_is_8(tmp):
    resp = b"HTTP/1.1 200 OK\r\nX-Huge: " + b"h" * (1 << 20) + b"\r\nContent-Length: 2\r\n\r\nok"
    with h.ScriptedServer([resp]) as srv:
        rc, doc, err = h.run_json(["send", req_for(tmp, srv.port), "--max-time", "10"])
    h.eq(rc, 8, "exit")
    h.eq(doc["exchanges"][0]["error"]["kind"], "malformed", "kind")
    # ... and accepted when the user raises the limit.
    with h.ScriptedServer([resp]) as srv:
        rc, doc, err = h.run_json(["send", req_for(tmp, srv.port), "--max-time", "10",
                                   "--max-head-size", str(2 << 20)])
    h.eq(rc, 0, "exit with --max-head-size 2 MiB")
    h.eq(len(doc["exchanges"][0]["response"]["headers"][0][1]), 1 << 20, "the value")


def test_too_many_headers_is_8(tmp):
    resp = b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 20000 + b"Content-Length: 0\r\n\r\n"
    with h.ScriptedServer([resp]) as srv:
        rc, doc, err = h.run_json(["send", req_for(tmp, srv.port), "--max-time", "10"])
    h.eq(rc, 8, "exit")
    h.check("header fields" in doc["exchanges"][0]["error"]["message"], "names the limit")
    with h.ScriptedServer([resp]) as srv:
        rc, doc, err = h.run_json(["send", req_for(tmp, srv.port), "--max-time", "10", "--max-headers", "30000"])
    h.eq(rc, 0, "accepted with --max-headers 30000")
    h.eq(len(doc["exchanges"][0]["response"]["headers"]), 20001, "every field")


def test_never_ending_body_respects_max_time_and_memory(tmp):
    piece = endless(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n", b"\x00z" * 32768)
    with h.ScriptedServer([piece]) as srv:
        rc, out, err, took, rss = h.run_measured(["send", req_for(tmp, srv.port), "--max-time", "2",
                                                  "-o", os.devnull])
    h.eq(rc, 28, "exit (stderr %r)" % err[-300:])
    h.check(b"--max-time" in err, "names the limit: %r" % err[-300:])
    h.check(took < 6, "bounded by --max-time (took %.1fs)" % took)
    check_memory(rss, "endless body")


def test_endless_body_in_json_is_capped(tmp):
    piece = endless(b"HTTP/1.1 200 OK\r\n\r\n", b"j" * 65536)
    with h.ScriptedServer([piece]) as srv:
        rc, out, err, took, rss = h.run_measured(["send", req_for(tmp, srv.port), "--max-time", "2", "--json"])
    h.eq(rc, 28, "exit")
    import json
    doc = json.loads(out)
    r = doc["exchanges"][0]["response"]
    h.eq(r["complete"], False, "complete")
    h.check(r.get("body_truncated") is True and r["body_bytes"] > len(r["body"]), "the capture stops, the count goes on")


def test_billion_byte_content_length_with_short_body(tmp):
    with h.ScriptedServer([b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\nshort"]) as srv:
        rc, doc, _ = h.run_json(["send", req_for(tmp, srv.port), "--max-time", "10"])
    h.eq(rc, 18, "closed early: partial")
    r = doc["exchanges"][0]["response"]
    h.eq((r["body"], r["complete"]), ("short", False), "what arrived")
    with h.ScriptedServer([b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\nshort"], close="hold") as srv:
        t0 = time.monotonic()
        rc, doc, _ = h.run_json(["send", req_for(tmp, srv.port), "--max-time", "1"])
        took = time.monotonic() - t0
    h.eq(rc, 28, "held open: timeout")
    h.check(took < 5, "bounded (took %.1fs)" % took)


def test_idle_timeout_fires_on_a_silent_server(tmp):
    with h.ScriptedServer([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345"], close="hold") as srv:
        rc, doc, err = h.run_json(["send", req_for(tmp, srv.port), "--idle-timeout", "0.5"])
    h.eq(rc, 28, "exit")
    h.check("--idle-timeout" in doc["exchanges"][0]["error"]["message"], "names the limit")


def test_reset_mid_body_is_56(tmp):
    with h.ScriptedServer([b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", 0.2], close="reset") as srv:
        rc, doc, _ = h.run_json(["send", req_for(tmp, srv.port), "--max-time", "10"])
    h.eq(rc, 56, "exit")
    h.eq(doc["exchanges"][0]["response"]["body"], "0123456789", "what arrived")
    h.eq(doc["exchanges"][0]["error"]["message"],
         "127.0.0.1:%d reset the connection (connection reset by peer)" % srv.port, "names who reset it")


def test_server_that_never_reads(tmp):
    # Accepts, never reads: a big request fills both socket buffers and the write stalls.
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    lst.settimeout(10)
    port = lst.getsockname()[1]
    held = []

    def accept():
        try:
            c, _ = lst.accept()
            held.append(c)
        except OSError:
            pass
    t = threading.Thread(target=accept, daemon=True)
    t.start()
    payload = os.path.join(tmp, "big.bin")
    with open(payload, "wb") as f:
        f.write(b"p" * (16 << 20))  # well beyond both loopback socket buffers
    req = h.write_req(tmp, "POST / HTTP/1.1\nHost: 127.0.0.1:%d\nContent-Length: {{content_length}}\n\n"
                           "{{file:big.bin}}\n" % port)
    t0 = time.monotonic()
    rc, doc, _ = h.run_json(["send", req, "--max-time", "2"], timeout=20)
    took = time.monotonic() - t0
    for c in held:
        c.close()
    lst.close()
    h.eq(rc, 28, "exit")
    h.check("sending" in doc["exchanges"][0]["error"]["message"], "says the send stalled")
    h.check(took < 8, "bounded (took %.1fs)" % took)


def test_garbage_and_binary_replies_are_8(tmp):
    for raw in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", b"SSH-2.0-OpenSSH_9.2\r\n", b"\x00" * 64):
        with h.ScriptedServer([raw]) as srv:
            rc, doc, err = h.run_json(["send", req_for(tmp, srv.port), "--max-time", "5"])
        h.eq(rc, 8, "exit for %r" % raw[:12])
        h.eq(doc["exchanges"][0]["error"]["kind"], "malformed", "kind")


def test_one_gibibyte_quarter_to_file_in_bounded_memory(tmp):
    size = 256 << 20
    out = os.path.join(tmp, "big.bin")
    with h.PracticeServer() as srv:
        req = h.write_req(tmp, "GET /bytes/%d HTTP/1.1\nHost: x\n\n" % size)
        rc, _, err, took, rss = h.run_measured(["send", req, "--to", srv.address, "-o", out, "--show", "parsed"],
                                               timeout=120)
    h.eq(rc, 0, "exit (%r)" % err[-300:])
    h.eq(os.path.getsize(out), size, "file size")
    check_memory(rss, "256 MiB to a file")


if __name__ == "__main__":
    h.main(globals())
