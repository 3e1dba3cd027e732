"""Hostile peers: rawhttp must give the contract's exit code and a clear
message in bounded time and memory, never crash or hang. Hostile servers
against send, hostile input files, and (at the end) hostile crowds of clients
against serve. Every peer here is on 127.0.0.1 and bounded in time."""
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
    # 1000 short lines reach the header-count limit first: the message names that limit.
    h.check(b"--max-headers raises the limit" in err, "says which limit, and how to raise it: %r" % err[-300:])
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


# ---------------------------------------------------------------- hostile input files
# A .req, a {{file:}}, a variable or a --cacert must be refused (exit 2, nothing
# sent) in bounded time and memory. --to 127.0.0.1:1 makes any attempt to
# connect show as exit 7 instead of 2.
NOWHERE = ["--to", "127.0.0.1:1"]
# Twenty levels of quadrupling variables stop at the 16 MiB variable limit;
# by then about 40 MiB of values exist.
VARIABLE_MEMORY_BOUND_KIB = 128 * 1024


def expect_refused(args, phrase, what, memory_kib=MEMORY_BOUND_KIB):
    rc, out, err, took, rss = h.run_measured(args, timeout=15)
    h.check(rc >= 0, "%s: killed by signal %d (stderr %r)" % (what, -rc, err[-300:]))
    h.eq(rc, 2, "%s: exit (stderr %r)" % (what, err[-300:]))
    h.check(phrase in err, "%s: says %r: %r" % (what, phrase, err[-300:]))
    h.check(took < 5, "%s: refused at once (took %.1fs)" % (what, took))
    if not h.asan_build():
        h.check(rss < memory_kib, "%s: peak memory %d KiB, bound %d KiB" % (what, rss, memory_kib))
    return err


def test_include_of_dev_zero_and_dev_urandom_is_2(tmp):
    for dev in ("/dev/zero", "/dev/urandom"):
        req = h.write_req(tmp, "POST / HTTP/1.1\nHost: x\nContent-Length: {{content_length}}\n\n{{file:%s}}\n" % dev)
        for cmd in ("send", "compose"):
            err = expect_refused([cmd, req] + (NOWHERE if cmd == "send" else []),
                                 b"it is a character device, not a regular file", "%s {{file:%s}}" % (cmd, dev))
            h.check(b"t.req:5:1:" in err, "names the file, line and column: %r" % err)


def test_req_that_is_dev_zero_is_2(tmp):
    for cmd in ("send", "compose", "lint"):
        expect_refused([cmd, "/dev/zero"] + (NOWHERE if cmd == "send" else []),
                       b"'/dev/zero': it is a character device", "%s /dev/zero" % cmd)


def test_fifo_without_writer_is_2_not_a_hang(tmp):
    fifo = os.path.join(tmp, "pipe")
    os.mkfifo(fifo)
    expect_refused(["send", fifo] + NOWHERE, b"is a FIFO (named pipe), not a regular file", "FIFO as the .req")
    req = h.write_req(tmp, "POST / HTTP/1.1\nHost: x\n\n{{file:pipe}}\n")
    err = expect_refused(["send", req] + NOWHERE, b"is a FIFO (named pipe), not a regular file", "FIFO in {{file:}}")
    h.check(b"{{file:pipe}}" in err, "names the expression: %r" % err)


def test_folder_as_req_or_include_is_2(tmp):
    expect_refused(["compose", tmp], b"is a folder", "folder as the .req")
    req = h.write_req(tmp, "POST / HTTP/1.1\nHost: x\n\n{{file:.}}\n")
    expect_refused(["compose", req], b"is a folder", "folder in {{file:}}")


def test_twenty_levels_of_doubling_variables_is_2(tmp):
    lines = ["@a0 = xxxx"]
    for i in range(1, 20):
        lines.append("@a%d = " % i + "{{a%d}}" % (i - 1) * 4)
    req = h.write_req(tmp, "\n".join(lines) + "\nPOST / HTTP/1.1\nHost: x\n\n{{a19}}\n")
    err = expect_refused(["send", req] + NOWHERE, b"the value of '@a12' would be larger than 16 MiB",
                         "doubling variables", memory_kib=VARIABLE_MEMORY_BOUND_KIB)
    h.check(b"t.req:13:" in err, "at the definition's line: %r" % err)


def test_variable_that_refers_to_itself_is_2(tmp):
    req = h.write_req(tmp, "@a = {{b}}\n@b = {{a}}\n@c = x{{c}}\nGET / HTTP/1.1\nHost: x\n\n")
    expect_refused(["compose", req], b"'@b' is defined later, on line 2", "definitions referring to each other")
    req = h.write_req(tmp, "@c = x{{c}}\nGET / HTTP/1.1\nHost: x\n\n")
    expect_refused(["compose", req], b"'@c' refers to itself", "a definition referring to itself")


def test_files_past_their_limits_are_2(tmp):
    # Sparse files: the size is what counts, and none of it is read.
    big = os.path.join(tmp, "big.bin")
    with open(big, "wb") as f:
        f.truncate((64 << 20) + 1)
    # In a head or a definition a file is held, so 64 MiB is the most; in a body it is streamed (below).
    req = h.write_req(tmp, "POST / HTTP/1.1\nHost: x\nX-Big: {{file:big.bin}}\n\n")
    expect_refused(["send", req] + NOWHERE, b"is larger than 64 MiB, the most one {{file:}} may include in a head",
                   "{{file:}} over 64 MiB in the head")
    req = h.write_req(tmp, "@big = {{file:big.bin}}\nPOST / HTTP/1.1\nHost: x\n\n{{big}}\n")
    expect_refused(["send", req] + NOWHERE,
                   b"is larger than 64 MiB, the most one {{file:}} may include in a definition",
                   "{{file:}} over 64 MiB in a definition")
    big_req = os.path.join(tmp, "big.req")
    with open(big_req, "wb") as f:
        f.write(b"GET / HTTP/1.1\nHost: x\n\n")
        f.truncate((16 << 20) + 1)
    expect_refused(["send", big_req] + NOWHERE, b"is larger than 16 MiB, the most rawhttp reads as a .req file",
                   ".req over 16 MiB")


def test_files_at_their_limits_compose(tmp):
    body = os.path.join(tmp, "body.bin")
    with open(body, "wb") as f:
        f.truncate(64 << 20)
    req = h.write_req(tmp, "POST / HTTP/1.1\nHost: x\nContent-Length: {{content_length}}\n\n{{file:body.bin}}")
    rc, out, err = h.run(["compose", req], timeout=60)
    h.eq(rc, 0, "exit (stderr %r)" % err[-300:])
    h.check(b"Content-Length: 67108864\r\n" in out and len(out) > 64 << 20, "the whole file is sent")


def test_body_file_past_the_hold_limit_is_streamed(tmp):
    # A sparse file just past 64 MiB: compose's raw output has every byte, in small memory.
    size = (64 << 20) + 1
    body = os.path.join(tmp, "body.bin")
    with open(body, "wb") as f:
        f.write(b"first")
        f.seek(size - 4)
        f.write(b"last")
    text = "POST / HTTP/1.1\nHost: x\nContent-Length: {{content_length}}\n\n<{{file:body.bin}}>"
    req = h.write_req(tmp, text)
    out_path = os.path.join(tmp, "out.bin")
    with open(out_path, "wb") as out_f:
        p = h.subprocess.run([h.RAWHTTP, "compose", req, "--raw"], stdout=out_f, stderr=h.subprocess.PIPE,
                             timeout=60)
    h.eq(p.returncode, 0, "compose exit (stderr %r)" % p.stderr[-300:])
    head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (size + 2)
    h.eq(os.path.getsize(out_path), len(head) + size + 2, "every byte written")
    with open(out_path, "rb") as f:
        start = f.read(len(head) + 6)
        f.seek(-5, os.SEEK_END)
        end = f.read()
    h.eq(start, head + b"<first", "the head, the bytes before the file, the file's start")
    h.eq(end, b"last>", "the file's end, then the bytes after it")
    h.check(b"is read from disk as it is sent" in p.stderr, "a note says so: %r" % p.stderr[-400:])
    rc, out, err, took, rss = h.run_measured(["compose", req, "--raw"], timeout=60)
    check_memory(rss, "compose of a streamed 64 MiB body")
    # The views name the file instead of dumping it; --json lists it.
    rc, out, err = h.run(["compose", req, "--json"], timeout=30)
    h.eq(rc, 0, "compose --json exit (%r)" % err[-300:])
    doc = h.json.loads(out)
    r0 = doc["requests"][0]
    h.eq(r0["bytes"], len(head) + size + 2, "--json counts every byte")
    h.eq([(x["at"], x["bytes"]) for x in r0["streamed"]], [(len(head) + 1, size)], "--json says where the file goes")
    h.check(r0["text"].endswith("\r\n\r\n<>"), "text holds the held bytes: %r" % r0["text"][-40:])
    # lint reads it through: a correct Content-Length, so no finding.
    rc, out, err = h.run(["lint", req], timeout=60)
    h.eq(rc, 0, "lint exit (%r %r)" % (out[-300:], err[-300:]))
    # compare holds both sides whole, so it refuses before sending.
    rc, out, err = h.run(["compare", req] + NOWHERE, timeout=30)
    h.eq(rc, 2, "compare exit (%r)" % err[-300:])
    h.check(b"too large for compare" in err, "compare says why: %r" % err[-300:])


def test_body_file_that_changes_before_it_is_sent_is_55(tmp):
    size = (64 << 20) + 1
    body = os.path.join(tmp, "body.bin")
    with open(body, "wb") as f:
        f.truncate(size)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(10)
    port = srv.getsockname()[1]
    got = {"n": 0}

    def serve():
        c, _ = srv.accept()
        c.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            data += c.recv(65536)
        with open(body, "r+b") as f:  # the first exchange is under way: shrink the second's body
            f.truncate(1000)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        try:
            while True:
                d = c.recv(1 << 20)
                if not d:
                    break
                got["n"] += len(d)
        except OSError:
            pass
        c.close()
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    req = h.write_req(tmp, "GET /one HTTP/1.1\nHost: x\n\n###\nPOST /two HTTP/1.1\nHost: x\n"
                      "Content-Length: {{content_length}}\n\n{{file:body.bin}}")
    rc, out, err = h.run(["send", req, "--to", "127.0.0.1:%d" % port], timeout=30)
    t.join(15)
    srv.close()
    h.eq(rc, 55, "exit: sending failed (stderr %r)" % err[-400:])
    h.check(b"changed since the request was composed: it was %d bytes, now 1000" % size in err + out,
            "says what changed: %r" % (err[-400:] + out[-400:]))


def test_one_gibibyte_capture_replays_byte_for_byte(tmp):
    # listen --save streams the body to a side file; send streams it back out from disk.
    import test_listen
    listen_rss, send_rss = test_listen.capture_and_replay(tmp, 1 << 30, timeout=240)
    check_memory(listen_rss, "listen --save of 1 GiB")
    check_memory(send_rss, "send of a 1 GiB capture")


def test_the_composed_total_is_bounded(tmp):
    # With the head, four 64 MiB includes pass 256 MiB: the fourth is refused before it is appended.
    body = os.path.join(tmp, "body.bin")
    with open(body, "wb") as f:
        f.truncate(64 << 20)
    req = h.write_req(tmp, "POST / HTTP/1.1\nHost: x\n\n" + "{{file:body.bin}}" * 5 + "\n")
    rc, out, err = h.run(["compose", req], timeout=60)
    h.eq(rc, 2, "exit (stderr %r)" % err[-300:])
    h.check(b"{{file:body.bin}} would take this file's composed requests and variables past 256 MiB" in err,
            "names the expression and the limit: %r" % err[-300:])


def test_standard_input_past_the_limit_is_2(tmp):
    data = b"POST / HTTP/1.1\nHost: x\n\n" + b"b" * (16 << 20)
    t0 = time.monotonic()
    rc, out, err = h.run(["send", "-"] + NOWHERE, stdin=data, timeout=30)
    took = time.monotonic() - t0
    h.eq(rc, 2, "exit (stderr %r)" % err[-300:])
    h.check(b"standard input is larger than 16 MiB" in err, "names stdin and the limit: %r" % err[-300:])
    h.check(took < 10, "bounded (took %.1fs)" % took)


def test_cacert_that_is_not_pem_is_2_before_connecting(tmp):
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: x\n\n")
    notes = h.write_req(tmp, "this is not a certificate\n", name="notes.txt")
    for cmd in ("send", "compare"):
        for ca, phrase in ((notes, b"no PEM certificate in it"), ("/dev/zero", b"character device"),
                           (tmp, b"is a folder")):
            err = expect_refused([cmd, req, "--tls", "--cacert", ca] + NOWHERE, phrase, "%s --cacert %s" % (cmd, ca))
            h.check(b"--cacert" in err, "names the option: %r" % err[-300:])


def test_req_of_tiny_requests_or_bare_line_breaks_is_bounded(tmp):
    # 16 MiB of "GET\n###\n": past kMaxRequests (100000), refused at the first one too many.
    many = h.write_req(tmp, b"GET / HTTP/1.1\n\n###\n" * (((16 << 20) - 1) // 20), name="many.req")
    expect_refused(["compose", many], b"many.req:300001:1: more than 100000 requests in one .req", "tiny requests",
                   memory_kib=VARIABLE_MEMORY_BOUND_KIB)
    # Nearly 16 MiB of line breaks: composed, in a few times the file's size.
    breaks = h.write_req(tmp, b"POST / HTTP/1.1\nHost: x\n\n" + b"\n" * ((16 << 20) - 64), name="breaks.req")
    rc, out, err, took, rss = h.run_measured(["compose", breaks], timeout=30)
    h.eq(rc, 0, "exit (stderr %r)" % err[-300:])
    h.eq(len(out), len("POST / HTTP/1.1\r\nHost: x\r\n\r\n") + (16 << 20) - 65, "every line break but the editor's")
    if not h.asan_build():
        h.check(rss < 256 * 1024, "peak memory %d KiB for a 16 MiB file" % rss)


def test_interim_flood_is_8_in_bounded_memory(tmp):
    # 100 000 "100 Continue" heads, then 100 000 "103" heads of 20 fields: send stops at
    # --max-interim (default 100) with exit 8, in bounded memory, and says which limit.
    early = b"HTTP/1.1 103 Early Hints\r\n" + b"".join(b"Link: </s%d.css>; rel=preload\r\n" % i for i in range(20)) + b"\r\n"
    for unit, what in ((b"HTTP/1.1 100 Continue\r\n\r\n", "100 Continue"), (early, "103 with 20 fields")):
        piece = endless(b"", unit * 64, limit_seconds=10)
        for json_out in (False, True):
            with h.ScriptedServer([piece]) as srv:
                rc, out, err, took, rss = h.run_measured(["send", req_for(tmp, srv.port), "--max-time", "20"] +
                                                         (["--json"] if json_out else []))
            h.eq(rc, 8, "%s flood exit (stderr %r)" % (what, err[-300:]))
            if json_out:
                import json
                ex = json.loads(out)["exchanges"][0]
                h.eq(len(ex["response"]["interim"]), 100, "the first 100 interim heads are kept")
                h.check("too-many-interim" in ex["error"]["message"], "the rule: %r" % ex["error"])
            else:
                h.check(b"--max-interim raises the limit" in err, "names the limit: %r" % err[-300:])
            h.check(took < 10, "stops at the limit (%.1fs)" % took)
            check_memory(rss, "%s flood" % what)


def test_dripped_head_hits_head_timeout(tmp):
    # One byte of a header line every 0.2 s: never idle, but the head never ends.
    def drip(c):
        c.sendall(b"HTTP/1.1 200 OK\r\nX-Drip: ")
        end = time.monotonic() + 10
        while time.monotonic() < end:
            c.sendall(b"a")
            time.sleep(0.2)
    with h.ScriptedServer([drip]) as srv:
        t0 = time.monotonic()
        rc, out, err = h.run(["send", req_for(tmp, srv.port), "--head-timeout", "1", "--idle-timeout", "5"], timeout=15)
        took = time.monotonic() - t0
    h.eq(rc, 28, "exit (stderr %r)" % err[-300:])
    h.check(b"--head-timeout" in err, "names the deadline: %r" % err[-300:])
    h.check(took < 3, "ends near its 1 s deadline (%.1fs)" % took)


def test_max_time_holds_while_stdout_is_not_read(tmp):
    # An endless body shown on standard output, which nobody reads: --max-time still ends the run.
    import subprocess
    piece = endless(b"HTTP/1.1 200 OK\r\n\r\n", b"b" * 65536, limit_seconds=15)
    with h.ScriptedServer([piece]) as srv:
        t0 = time.monotonic()
        p = subprocess.Popen([h.RAWHTTP, "send", req_for(tmp, srv.port), "--show", "body", "--max-time", "2"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            rc = p.wait(timeout=12)  # stdout is never read: the pipe fills at once
        except subprocess.TimeoutExpired:
            p.kill()
            rc = None
        took = time.monotonic() - t0
        err = p.stderr.read()
        p.stdout.close()
    h.eq(rc, 28, "exit (stderr %r)" % err[-300:])
    h.check(took < 3 + (3 if h.asan_build() else 0), "within 1 s of --max-time (took %.1fs)" % took)
    h.check(b"--max-time" in err, "says so: %r" % err[-300:])


# ------------------------------------------------------------ serve under attack
# Many hostile clients at once against serve: drippers, idle crowds, clients
# that never read, a full connection table. All on 127.0.0.1, every socket
# with a timeout; the figures asserted are the bounds.
import re  # noqa: E402
import resource  # noqa: E402
import selectors  # noqa: E402
from test_serve import connect, get, one, read_response  # noqa: E402


def raise_nofile(want):
    """Raises this process's descriptor limit towards `want`; returns what it got."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        target = want if hard == resource.RLIM_INFINITY else min(hard, want)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def small_socket(port):
    """A connected client with a small receive buffer, so that a crowd of
    non-readers ties up little kernel memory (serve's own is what is measured)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    return s


def fresh_answer(port, path=b"/status/200", timeout=5):
    s = connect(port, timeout=timeout)
    try:
        s.sendall(get(path))
        return read_response(s)[0]
    finally:
        s.close()


def test_slowloris_drippers_get_408_by_the_head_deadline(tmp):
    n = 500 if h.asan_build() else 1500
    deadline, tolerance = 2.0, (3.0 if h.asan_build() else 1.5)
    h.check(raise_nofile(n + 200) >= n + 100, "not enough descriptors for %d clients" % n)
    with h.PracticeServer("--quiet", "--head-timeout", "2", "--idle-timeout", "5") as srv:
        sel = selectors.DefaultSelector()
        socks, started, got, done = [], {}, {}, {}
        try:
            for i in range(n):
                s = connect(srv.port)
                s.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nX-Drip: ")
                started[i] = time.monotonic()
                s.setblocking(False)
                sel.register(s, selectors.EVENT_READ, i)
                socks.append(s)
            fresh = None
            end = time.monotonic() + deadline + tolerance + 2
            next_drip = time.monotonic() + 0.5
            while len(done) < n and time.monotonic() < end:
                now = time.monotonic()
                if now >= next_drip:  # one byte each, every half second: never idle for 5 s
                    for i, s in enumerate(socks):
                        if i not in done:
                            try:
                                s.send(b"a")
                            except OSError:
                                pass
                    next_drip = now + 0.5
                if fresh is None and now - started[0] > 1.0:  # the drippers' head clocks are running
                    t0 = time.monotonic()
                    fresh = (fresh_answer(srv.port, timeout=3), time.monotonic() - t0)
                for key, _ in sel.select(timeout=0.05):
                    i = key.data
                    try:
                        chunk = key.fileobj.recv(65536)
                    except BlockingIOError:
                        continue
                    except OSError:
                        chunk = b""
                    if chunk:
                        if i not in got:
                            got[i] = (time.monotonic() - started[i], b"")
                        got[i] = (got[i][0], got[i][1] + chunk)
                    else:
                        sel.unregister(key.fileobj)
                        done[i] = time.monotonic() - started[i]
        finally:
            sel.close()
            for s in socks:
                s.close()
        h.check(fresh is not None, "a fresh client was tried")
        h.eq(fresh[0], 200, "a fresh client is answered while %d clients drip" % n)
        h.check(fresh[1] < 2, "and promptly (%.2fs)" % fresh[1])
        h.eq(len(done), n, "drippers closed by the server")
        bad = [i for i in range(n) if not got.get(i, (0, b""))[1].startswith(b"HTTP/1.1 408 ")]
        h.eq(bad[:5], [], "drippers answered 408 (of %d, %d were not)" % (n, len(bad)))
        h.check(b"--head-timeout" in got[0][1], "the 408 names the head deadline: %r" % got[0][1][-300:])
        times = sorted(t for t, _ in got.values())
        h.check(times[0] >= deadline - 0.2, "no 408 before the deadline (first at %.2fs)" % times[0])
        h.check(times[-1] <= deadline + tolerance, "every 408 by the deadline + %.1fs (last at %.2fs)" %
                (tolerance, times[-1]))
        h.check(srv.alive(), "serve is still running")
        h.eq(srv.stop(), 0, "serve exit (under ASan: no leak)")


def test_10000_idle_keep_alive_connections_and_a_fresh_client(tmp):
    have = raise_nofile(10300)
    n = min(10000, have - 300)
    h.check(n >= 1000, "descriptor limit %d is too low for this test" % have)
    with h.PracticeServer("--quiet", "--idle-timeout", "60") as srv:
        socks = []
        sel = selectors.DefaultSelector()
        try:
            for i in range(n):
                s = connect(srv.port)
                s.sendall(get(b"/status/204"))  # a request each, then idle on keep-alive
                socks.append(s)
            answered = 0
            for i, s in enumerate(socks):
                s.setblocking(False)
                sel.register(s, selectors.EVENT_READ, i)
            bufs = {}
            end = time.monotonic() + 30
            while answered < n and time.monotonic() < end:
                for key, _ in sel.select(timeout=1):
                    try:
                        chunk = key.fileobj.recv(4096)
                    except BlockingIOError:
                        continue
                    h.check(chunk, "connection %d closed by the server" % key.data)
                    bufs[key.data] = bufs.get(key.data, b"") + chunk
                    if bufs[key.data].endswith(b"\r\n\r\n"):
                        h.check(bufs[key.data].startswith(b"HTTP/1.1 204 "), "a 204: %r" % bufs[key.data])
                        sel.unregister(key.fileobj)
                        answered += 1
            h.eq(answered, n, "keep-alive connections answered")
            h.eq(fresh_answer(srv.port), 200, "a fresh client while %d connections idle" % n)
            # None of the idle ones was closed: nothing (not even EOF) is readable.
            for s in socks:
                sel.register(s, selectors.EVENT_READ)
            closed = sel.select(timeout=0.2)
            h.eq(len(closed), 0, "idle connections closed by the server")
            for s in (socks[0], socks[n // 2], socks[-1]):  # and they still work
                s.setblocking(True)
                s.settimeout(10)
                s.sendall(get(b"/status/202"))
                h.eq(read_response(s)[0], 202, "an idle connection's next request")
        finally:
            sel.close()
            for s in socks:
                s.close()
        h.check(srv.alive(), "serve is still running")
        h.eq(srv.stop(), 0, "serve exit (under ASan: no leak)")


def test_500_clients_that_never_read_large_pages_in_bounded_memory(tmp):
    n = 500
    raise_nofile(n + 200)
    with h.PracticeServer("--quiet", "--idle-timeout", "20") as srv:
        base = rss_kib(srv.proc.pid)
        socks = []
        try:
            for i in range(n):
                s = small_socket(srv.port)
                s.sendall(get(b"/bytes/10000000"))
                socks.append(s)
            peak = 0
            for _ in range(15):  # the server fills every pipe it can, then waits
                time.sleep(0.1)
                peak = max(peak, rss_kib(srv.proc.pid))
            h.eq(fresh_answer(srv.port), 200, "a fresh client while %d do not read" % n)
            first = socks[0].recv(100)
            h.check(first.startswith(b"HTTP/1.1 200 "), "the non-readers were answered: %r" % first)
        finally:
            for s in socks:
                s.close()
        if not h.asan_build():
            h.check(peak < 32 * 1024, "serve's RSS with %d non-readers: %d KiB (at start %d KiB), want < 32 MiB" %
                    (n, peak, base))
        h.check(srv.alive(), "serve is still running")


def test_50_pipelining_clients_that_never_read_in_bounded_memory(tmp):
    n = 50
    with h.PracticeServer("--quiet", "--idle-timeout", "20") as srv:
        burst = (get(b"/") + get(b"/bytes/100000") + get(b"/status/404")) * 200
        socks = []
        try:
            for i in range(n):
                s = small_socket(srv.port)
                s.setblocking(False)
                socks.append(s)
            sent = [0] * n
            peak = 0
            end = time.monotonic() + 3
            while time.monotonic() < end:  # write all the kernel takes, read nothing
                for i, s in enumerate(socks):
                    try:
                        sent[i] += s.send(burst)
                    except (BlockingIOError, InterruptedError):
                        pass
                peak = max(peak, rss_kib(srv.proc.pid))
                time.sleep(0.02)
            h.check(min(sent) > 1000000, "each client pipelined over 1 MB (least %d)" % min(sent))
            h.eq(fresh_answer(srv.port), 200, "a fresh client while %d pipeline without reading" % n)
        finally:
            for s in socks:
                s.close()
        if not h.asan_build():
            h.check(peak < 32 * 1024, "serve's RSS with %d pipelining non-readers: %d KiB, want < 32 MiB" % (n, peak))
        h.check(srv.alive(), "serve is still running")


def test_memory_goes_back_after_a_crowd_leaves(tmp):
    raise_nofile(1200)
    with h.PracticeServer("--quiet", "--idle-timeout", "20") as srv:
        base = rss_kib(srv.proc.pid)
        socks = []
        for i in range(1000):
            s = connect(srv.port)
            s.sendall(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 20000\r\n\r\n" + b"e" * 20000)
            socks.append(s)
        for s in socks:
            h.eq(read_response(s)[0], 200, "an /echo")
        during = rss_kib(srv.proc.pid)
        for s in socks:
            s.close()
        after = during
        end = time.monotonic() + (0 if h.asan_build() else 5)  # ASan's allocator keeps what it had
        while time.monotonic() < end:
            time.sleep(0.2)
            after = rss_kib(srv.proc.pid)
            if after < base + 4096:
                break
        if not h.asan_build():
            h.check(after < base + 4096, "RSS at start %d KiB, with the crowd %d KiB, after it left %d KiB" %
                    (base, during, after))
        h.eq(fresh_answer(srv.port), 200, "and it still answers")
        h.eq(srv.stop(), 0, "serve exit (under ASan: no leak)")


def test_max_connections_makes_room_or_answers_503(tmp):
    with h.PracticeServer("--quiet", "--max-connections", "20", "--idle-timeout", "20") as srv:
        # 20 idle keep-alive connections fill the table; the 21st replaces the idlest.
        idle = []
        for i in range(20):
            s = connect(srv.port)
            s.sendall(get(b"/"))
            h.eq(read_response(s)[0], 200, "connection %d" % i)
            idle.append(s)
            time.sleep(0.005)
        h.eq(fresh_answer(srv.port, b"/status/201"), 201, "the 21st client is answered")
        h.eq(idle[0].recv(100), b"", "the idlest connection made room (closed by the server)")
        idle[1].sendall(get(b"/status/202"))
        h.eq(read_response(idle[1])[0], 202, "the others kept their places")
        for s in idle:
            s.close()
        time.sleep(0.3)
        # 20 busy ones (a drip each): nobody can make room, so a newcomer hears 503.
        busy = []
        try:
            for i in range(20):
                s = connect(srv.port)
                s.sendall(get(b"/slow/30"))
                h.check(s.recv(100).startswith(b"HTTP/1.1 200 "), "busy connection %d started" % i)
                busy.append(s)
            for k in range(3):
                s = connect(srv.port)
                s.sendall(get(b"/"))
                st, hd, body, _ = read_response(s)
                h.eq((st, hd.get("retry-after"), hd.get("connection")), (503, "1", "close"), "newcomer %d" % k)
                h.check(b"--max-connections" in body, "the 503 says why: %r" % body)
                s.close()
        finally:
            for s in busy:
                s.close()
        time.sleep(0.3)
        h.eq(fresh_answer(srv.port), 200, "room again once they left")
        h.eq(srv.stop(), 0, "serve exit (under ASan: no leak)")


def test_max_per_client_default_is_unlimited_and_the_cap_answers_503(tmp):
    rc, out, err = h.run(["serve", "--help"])
    for opt in (rb"--head-timeout[^\n]*\n?[^\n]*default 30\)", rb"--body-timeout[^\n]*\n?[^\n]*default 30\)", rb"--max-per-client[^\n]*\n?[^\n]*default 0",
                rb"--max-connections[^\n]*\n?[^\n]*default 0", rb"--min-body-rate[^\n]*\n?[^\n]*default 1024\)"):
        h.check(re.search(opt, out), "help: %r in %r" % (opt, out))
    with h.PracticeServer("--quiet", "--max-per-client", "3") as srv:
        socks = [connect(srv.port) for _ in range(3)]
        try:
            for s in socks:
                s.sendall(get(b"/"))
                h.eq(read_response(s)[0], 200, "within the cap")
            st, hd, body, _ = one(srv.port, get(b"/"))
            h.eq((st, hd.get("retry-after")), (503, "1"), "the fourth from 127.0.0.1")
            h.check(b"--max-per-client" in body, "the 503 says why: %r" % body)
        finally:
            for s in socks:
                s.close()
        time.sleep(0.3)
        h.eq(fresh_answer(srv.port), 200, "places free again once they left")



def test_serve_raises_its_descriptor_limit_to_the_hard_maximum(tmp):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    low = min(1024, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (low, hard))  # serve inherits a low soft limit
    try:
        srv = h.PracticeServer("--quiet")
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    with srv:
        h.eq(fresh_answer(srv.port), 200, "serving")  # run() has started
        with open("/proc/%d/limits" % srv.proc.pid) as f:
            line = [l for l in f if l.startswith("Max open files")][0].split()
        want = "unlimited" if hard == resource.RLIM_INFINITY else str(hard)
        # An unlimited hard limit may be refused above nr_open: then 65536 at least.
        h.check(line[3] == want or (want == "unlimited" and int(line[3]) >= 65536),
                "serve's soft limit %s, hard %s (started with %d)" % (line[3], line[4], low))


if __name__ == "__main__":
    h.main(globals())
