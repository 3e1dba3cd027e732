"""rawhttp serve, end to end: the built binary on 127.0.0.1 against raw
socket clients: every page, the 400s that explain themselves, 408 after the
idle time, keep-alive and pipelining, 1000 concurrent connections, clients
that vanish mid-request; and it stops cleanly (exit 0 on SIGTERM, which under
AddressSanitizer also means no leak was found). Crowds of hostile clients
(drippers, 10000 idle connections, non-readers, a full table) are in
test_adversarial.py."""
import os
import re
import resource
import selectors
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


def connect(port, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.settimeout(timeout)
    return s


class Reader:
    """Reads responses off a socket one at a time, keeping what one response
    did not use (pipelining) for the next."""

    def __init__(self, s):
        self.s, self.buf = s, b""

    def more(self):
        chunk = self.s.recv(65536)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def take(self, n):
        while len(self.buf) < n:
            self.more()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def line(self):
        while b"\r\n" not in self.buf:
            self.more()
        out, _, self.buf = self.buf.partition(b"\r\n")
        return out


def read_response(s, head_only=False):
    """One final response: (status, headers dict (lower-case names), body, raw head)."""
    r = s if isinstance(s, Reader) else Reader(s)
    while True:
        try:
            while b"\r\n\r\n" not in r.buf:
                r.more()
        except EOFError:
            raise AssertionError("closed before a head: %r" % r.buf)
        head, _, r.buf = r.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        if not 100 <= status < 200:
            break
    headers = {}
    for line in lines[1:]:
        n, _, v = line.partition(":")
        headers[n.strip().lower()] = v.strip()
    if head_only or status in (204, 304):
        return status, headers, b"", head
    if "content-length" in headers:
        return status, headers, r.take(int(headers["content-length"])), head
    if headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            size = int(r.line(), 16)
            data = r.take(size + 2)
            if size == 0:
                return status, headers, body, head
            body += data[:size]
    try:
        while True:
            r.more()
    except EOFError:
        pass
    body, r.buf = r.buf, b""
    return status, headers, body, head


def get(path, extra=b""):
    return b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\n" + extra + b"\r\n"


def one(port, request, head_only=False):
    s = connect(port)
    try:
        s.sendall(request)
        return read_response(s, head_only)
    finally:
        s.close()


def test_every_page(tmp):
    with h.PracticeServer("--quiet") as srv:
        st, hd, body, _ = one(srv.port, get(b"/"))
        h.eq(st, 200, "/")
        for page in (b"/echo", b"/status/N", b"/bytes/N", b"/chunked/N", b"/slow/N", b"/redirect"):
            h.check(page in body, "/ lists %s: %r" % (page, body))
        req = b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello"
        st, hd, body, _ = one(srv.port, req)
        h.eq((st, body), (200, req), "/echo: the exact request bytes")
        st, hd, body, _ = one(srv.port, get(b"/status/418"))
        h.eq(st, 418, "/status/418")
        st, hd, body, _ = one(srv.port, get(b"/bytes/100000"))
        h.eq((st, len(body), hd.get("content-length")), (200, 100000, "100000"), "/bytes/100000")
        st, hd, body, _ = one(srv.port, get(b"/chunked/3000"))
        h.eq((st, len(body), hd.get("transfer-encoding")), (200, 3000, "chunked"), "/chunked/3000")
        t0 = time.monotonic()
        st, hd, body, _ = one(srv.port, get(b"/slow/5"))
        took = time.monotonic() - t0
        h.eq((st, len(body)), (200, 5), "/slow/5")
        h.check(0.3 < took < 5, "/slow drips (%.2fs for 5 bytes)" % took)
        st, hd, body, _ = one(srv.port, get(b"/redirect"))
        h.eq((st, hd.get("location")), (302, "/"), "/redirect")
        st, hd, body, _ = one(srv.port, get(b"/nowhere"))
        h.eq(st, 404, "an unknown page")
        h.eq(srv.stop(), 0, "serve exit")


MALFORMED = [
    # (what, request, words the 400 body must have: lint's finding id and the RFC section)
    ("space before colon", b"GET / HTTP/1.1\r\nHost : localhost\r\n\r\n", ["[space-before-colon]", "RFC 9112 §5.1"]),
    ("obsolete line folding", b"GET / HTTP/1.1\r\nHost: localhost\r\nX-A: 1\r\n  2\r\n\r\n",
     ["[obs-fold]", "RFC 9112 §5.2"]),
    ("missing Host", b"GET / HTTP/1.1\r\n\r\n", ["[host-missing]", "without a Host field", "RFC 9112 §3.2"]),
    ("two Host fields", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", ["[host-repeated]", "RFC 9112 §3.2"]),
    ("Content-Length and Transfer-Encoding",
     b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     ["Content-Length and Transfer-Encoding together", "RFC 9112 §6.1"]),
    ("Transfer-Encoding not ending in chunked",
     b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
     ["[transfer-encoding-not-chunked]", "RFC 9112 §6.3"]),
    ("invalid Content-Length", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n",
     ["[content-length-invalid]", "RFC 9112 §6.3"]),
    ("malformed chunk size", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
     ["[chunked-malformed]", "RFC 9112 §7.1"]),
    ("whitespace before the first field", b"GET / HTTP/1.1\r\n Host: a\r\n\r\n",
     ["[whitespace-before-first-field]", "RFC 9112 §2.2"]),
]


# Errors of the head's syntax: the body points at the byte.
HEAD_SYNTAX = {"space before colon", "obsolete line folding", "whitespace before the first field",
               "space inside the request line", "bare LF", "unknown Expect"}

# What the rule book calls a warning: accepted by default (and named in a
# Rawhttp-Warnings header), rejected with --strict, as lint --strict predicts.
WARNINGS = [
    ("bare LF", b"GET / HTTP/1.1\nHost: localhost\n\n", "bare-lf", "400", "RFC 9112 §2.2"),
    ("space inside the request line", b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", "request-line-spaces", "400",
     "RFC 9112 §3"),
    ("unknown Expect", b"GET / HTTP/1.1\r\nHost: a\r\nExpect: tea\r\n\r\n", "expect-unknown", "417",
     "RFC 9110 §10.1.1"),
]


def test_warnings_are_accepted_and_named_and_strict_rejects_them(tmp):
    failures = []
    with h.PracticeServer("--quiet") as srv:
        for what, req, rule, _, _ in WARNINGS:
            st, hd, body, _ = one(srv.port, req)
            if st != 200 or rule not in hd.get("rawhttp-warnings", ""):
                failures.append("default, %s: %d, Rawhttp-Warnings %r" % (what, st, hd.get("rawhttp-warnings")))
    with h.PracticeServer("--quiet", "--strict") as srv:
        for what, req, rule, status, rfc in WARNINGS:
            st, hd, body, _ = one(srv.port, req)
            text = body.decode("utf-8", "replace")
            if str(st) != status or "[%s]" % rule not in text or rfc not in text:
                failures.append("--strict, %s: %d, body:\n%s" % (what, st, text))
            elif "^" not in text or not re.search(r"line \d+, column \d+", text):
                failures.append("--strict, %s: no line, column and caret:\n%s" % (what, text))
    h.eq(failures, [], "warnings: accepted by default, rejected by --strict")


def test_malformed_requests_get_400s_that_name_the_rule(tmp):
    failures = []
    with h.PracticeServer("--quiet") as srv:
        for what, req, words in MALFORMED:
            st, hd, body, _ = one(srv.port, req)
            text = body.decode("utf-8", "replace")
            if st != 400 or any(w not in text for w in words) or hd.get("connection") != "close":
                failures.append("%s: %d, connection %r, body:\n%s" % (what, st, hd.get("connection"), text))
            elif b"\r\n\r\n" in req and req.index(b"\r\n\r\n") > 0 and what in HEAD_SYNTAX and (
                    "^" not in text or not re.search(r"line \d+, column \d+", text)):
                failures.append("%s: no line, column and caret for the offending byte:\n%s" % (what, text))
        h.check(srv.alive(), "serve is still running")
    h.eq(failures, [], "400s that explain themselves")


def test_408_after_the_idle_time(tmp):
    with h.PracticeServer("--quiet", "--idle-timeout", "0.5") as srv:
        s = connect(srv.port)
        t0 = time.monotonic()
        s.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n")
        st, hd, body, _ = read_response(s)
        took = time.monotonic() - t0
        s.close()
    h.eq(st, 408, "status")
    h.check(0.4 < took < 4, "after about 0.5 s (%.2fs)" % took)
    h.check(b"RFC 9110 section 15.5.9" in body and b"500 ms" in body, "the body explains: %r" % body)


def test_default_idle_time_is_10_seconds_in_help_and_code(tmp):
    rc, out, err = h.run(["serve", "--help"])
    h.eq(rc, 0, "help exit")
    h.check(re.search(rb"--idle-timeout[^\n]*\n?[^\n]*default 10\)", out), "help says default 10: %r" % out)
    with h.PracticeServer("--quiet") as srv:
        st, hd, body, _ = one(srv.port, get(b"/"))
    h.check(b"pauses mid-request for 10000 ms gets 408" in body, "the server's own default: %r" % body)


def test_keep_alive_and_pipelining(tmp):
    with h.PracticeServer("--quiet") as srv:
        s = connect(srv.port)
        s.sendall(get(b"/status/201"))
        st1 = read_response(s)[0]
        s.sendall(get(b"/status/202") + get(b"/bytes/10") + get(b"/status/203", b"Connection: close\r\n"))
        r = Reader(s)
        st2 = read_response(r)[0]
        st3, _, body3, _ = read_response(r)
        st4, hd4, _, _ = read_response(r)
        s.close()
    h.eq([st1, st2, st3, st4], [201, 202, 200, 203], "statuses, in order, on one connection")
    h.eq(body3, b"0123456789", "the pipelined /bytes/10")
    h.eq(hd4.get("connection"), "close", "the last one closes")


def test_1000_concurrent_connections(tmp):
    n = 1000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 100:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(n + 100, 4096)), hard))
    with h.PracticeServer("--quiet") as srv:
        socks = []
        for i in range(n):
            s = connect(srv.port)
            socks.append(s)
        # All 1000 open at once; each now asks, then all are read together.
        for i, s in enumerate(socks):
            s.sendall(get(b"/status/%d" % (200 + i % 100), b"Connection: close\r\n"))
        sel = selectors.DefaultSelector()
        got = {}
        for i, s in enumerate(socks):
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, i)
        end = time.monotonic() + 60
        open_count = n
        while open_count and time.monotonic() < end:
            for key, _ in sel.select(timeout=1):
                i = key.data
                try:
                    chunk = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                if chunk:
                    got[i] = got.get(i, b"") + chunk
                else:
                    sel.unregister(key.fileobj)
                    key.fileobj.close()
                    open_count -= 1
        sel.close()
        for s in socks:
            s.close()
        ok = sum(1 for i in range(n) if got.get(i, b"").startswith(b"HTTP/1.1 %d " % (200 + i % 100)))
        h.eq(ok, n, "connections answered with their own status")
        h.check(srv.alive(), "serve is still running")
        h.eq(one(srv.port, get(b"/status/200"))[0], 200, "and still answers")
        h.eq(srv.stop(), 0, "serve exit")


def test_clients_that_vanish_mid_request(tmp):
    rst = b"\x01\x00\x00\x00\x00\x00\x00\x00"
    with h.PracticeServer("--quiet") as srv:
        for k in range(50):
            s = connect(srv.port)
            kind = k % 5
            if kind == 0:
                s.sendall(b"GET / HTTP/1.1\r\nHo")  # half a head, then gone
            elif kind == 1:
                s.sendall(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc")
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, rst)  # half a body, then a reset
            elif kind == 2:
                s.sendall(get(b"/bytes/50000000"))  # a large answer, read a little, leave
                s.recv(1000)
            elif kind == 3:
                s.sendall(get(b"/slow/100"))  # a drip nobody waits for
            else:
                s.sendall(get(b"/chunked/50000000"))
                s.recv(1000)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, rst)
            s.close()
        time.sleep(0.5)  # the drips hit closed sockets
        h.check(srv.alive(), "serve survived")
        h.eq(one(srv.port, get(b"/status/200"))[0], 200, "and still answers")
        h.eq(srv.stop(), 0, "serve exits 0 on SIGTERM (under ASan: no leak)")


def test_ctrl_c_exits_130_and_sigterm_0(tmp):
    # SPEC: 130 when interrupted with Ctrl-C; a supervisor's SIGTERM is a normal stop.
    srv = h.PracticeServer()
    srv.proc.send_signal(h.signal.SIGINT)
    h.eq(srv.proc.wait(timeout=10), 130, "serve exit on Ctrl-C")
    srv.stop()
    srv = h.PracticeServer()
    h.eq(srv.stop(), 0, "serve exit on SIGTERM")


def test_port_file_and_bad_where(tmp):
    rc, out, err = h.run(["serve", "nonsense"])
    h.eq(rc, 2, "bad WHERE")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        rc, out, err = h.run(["serve", str(busy.getsockname()[1])], timeout=10)
    finally:
        busy.close()
    h.eq(rc, 7, "port in use")
    h.check(b"in use" in err, "message: %r" % err)
    h.check(b"pick another port" in err and len(err.strip().splitlines()) == 1, "one line saying what to do: %r" % err)
    # An unwritable --port-file says why.
    for cmd in ("serve", "listen"):
        rc, out, err = h.run([cmd, "0", "--port-file", os.path.join(tmp, "no-such-dir", "port")], timeout=10)
        h.eq(rc, 2, "%s: unwritable --port-file" % cmd)
        h.check(b"cannot write --port-file" in err and b"No such file or directory" in err, "message: %r" % err)


if __name__ == "__main__":
    h.main(globals())
