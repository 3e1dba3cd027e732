"""rawhttp serve, end to end: the built binary on 127.0.0.1 against raw
socket clients: every page, the 400s that explain themselves, 408 after the
idle time, keep-alive and pipelining, 1000 concurrent connections, clients
that vanish mid-request, crowds of hostile clients (drippers, 10000 idle
connections, non-readers, a full table); and it stops cleanly (exit 0, which under
AddressSanitizer also means no leak was found)."""
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


# ------------------------------------------------------------ under attack
# Many hostile clients at once (issue 12): drippers, idle crowds, clients that
# never read. All on 127.0.0.1, every socket with a timeout, every loop bounded.

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
