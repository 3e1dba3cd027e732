"""rawhttp listen, end to end: the built binary on 127.0.0.1, with real curl,
raw socket clients and rawhttp send as the other side. Every process and
socket is bounded in time."""
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


class Listen:
    """`rawhttp listen 127.0.0.1:0 ... --port-file F` in the background; its
    stdout and stderr go to files (read after finish())."""

    def __init__(self, tmp, *args, where="127.0.0.1:0"):
        self.tmp = tmp
        portfile = os.path.join(tmp, "listen.port")
        self.out_path = os.path.join(tmp, "listen.out")
        self.err_path = os.path.join(tmp, "listen.err")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "NO_COLOR": "1", "TERM": "dumb"}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen([h.RAWHTTP, "listen", where, "--port-file", portfile] + list(args),
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                                         start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if os.path.exists(portfile):
                text = open(portfile).read().strip()
                if text:
                    self.port = int(text)
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.kill()
        raise AssertionError("rawhttp listen did not start: %r" % open(self.err_path, "rb").read())

    def finish(self, timeout=10):
        """Waits for the exit; returns (rc, stdout text, stderr text)."""
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("rawhttp listen did not exit within %ss; stdout: %r" %
                                 (timeout, open(self.out_path, "rb").read()[-800:]))
        return (rc, open(self.out_path, "rb").read().decode("utf-8", "replace"),
                open(self.err_path, "rb").read().decode("utf-8", "replace"))

    def stop(self, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.finish(timeout)

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.kill()


def connect(port, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.settimeout(timeout)
    return s


def read_all(s, limit=5):
    """Everything until the peer closes (or `limit` seconds)."""
    data = b""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data


def need_curl():
    if not shutil.which("curl"):
        raise h.Skip("curl is not installed (scripts/setup-deps test installs it)")


def curl(args, timeout=15):
    p = subprocess.run(["curl", "-sS", "--max-time", "10", "--noproxy", "*"] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


# ------------------------------------------------------------ the curl round trip

def _round_trip(tmp, curl_args, path):
    """curl -> listen --respond echo --save; then send and compose of the saved
    file give exactly the bytes listen received (curl prints them: echo)."""
    need_curl()
    saved = os.path.join(tmp, "curl.req")
    with Listen(tmp, "--once", "--respond", "echo", "--save", saved) as ls:
        rc, received, cerr = curl(curl_args + ["http://127.0.0.1:%d%s" % (ls.port, path)])
        lrc, out, err = ls.finish()
    h.eq(rc, 0, "curl exit (stderr %r)" % cerr)
    h.eq(lrc, 0, "listen exit; stderr %r" % err)
    h.check(received.startswith(b"POST " if "--data-binary" in curl_args else b"GET "), "echo: %r" % received[:80])
    h.check(os.path.exists(saved), "--save wrote the file")
    text = open(saved, "rb").read()
    h.check(b"@eol = keep" in text, "the saved file keeps line ends: %r" % text[:400])
    # compose: nothing on the network, the same bytes on stdout.
    rc, composed, err = h.run(["compose", saved])
    h.eq(rc, 0, "compose exit (%r)" % err)
    h.eq(composed, received, "compose of the saved file")
    # send: the same bytes on the wire, byte for byte.
    with h.Recorder() as rec:
        rc, sout, serr = h.run(["send", saved, "--to", "127.0.0.1:%d" % rec.port])
        time.sleep(0.2)
        got = rec.received
    h.eq(rc, 0, "send exit (%r)" % serr[-300:])
    h.eq(got, received, "bytes send wrote, against what curl sent")
    return out, received


def test_curl_get_round_trip(tmp):
    out, received = _round_trip(tmp, ["-H", "X-Lesson: netcat", "-H", "Accept: text/plain", "-A", "curl-under-test"],
                                "/path?q=1")
    h.check(b"\r\nUser-Agent: curl-under-test\r\n" in received and b"X-Lesson: netcat\r\n" in received,
            "curl's headers: %r" % received)
    # What listen showed: the bytes with CR/LF visible, the parsed request, the client's port.
    h.check("> GET /path?q=1 HTTP/1.1\\r\\n" in out, "the raw view:\n" + out)
    h.check("method      GET" in out and "target      /path?q=1" in out, "the parsed view:\n" + out)
    h.check("X-Lesson" in out and "netcat" in out, "headers in the parsed view:\n" + out)
    h.check("client 127.0.0.1:" in out and "ephemeral port" in out, "the client's address and port:\n" + out)
    h.check("findings" in out, "a findings section:\n" + out)


def test_curl_post_round_trip(tmp):
    body = os.path.join(tmp, "body.bin")
    with open(body, "wb") as f:
        f.write(b"name=alice&note={{not a template}}\ttab\r\nsecond line\n\n{{\x00\xff end")
    out, received = _round_trip(tmp, ["--data-binary", "@" + body, "-H", "Content-Type: application/x-test"],
                                "/form")
    h.check(received.endswith(open(body, "rb").read()), "the body came through exact: %r" % received[-80:])
    h.check("Content-Length: " in out and "body        Content-Length:" in out, "the framing:\n" + out)


def test_curl_default_response_lets_curl_finish(tmp):
    need_curl()
    with Listen(tmp, "--once") as ls:
        t0 = time.monotonic()
        rc, body, cerr = curl(["http://127.0.0.1:%d/" % ls.port])
        took = time.monotonic() - t0
        lrc, out, err = ls.finish()
    h.eq(rc, 0, "curl exit (%r)" % cerr)
    h.check(b"rawhttp listen received your request" in body, "the default 200: %r" % body)
    h.check(took < 3, "curl finished at once, not after a timeout (%.1fs)" % took)
    h.eq(lrc, 0, "listen --once exit")
    h.check("response sent (--respond ok" in out and "< HTTP/1.1 200 OK\\r\\n" in out, "the response shown:\n" + out)


# ------------------------------------------------------------------ --respond

REQ = b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n"


def test_respond_echo_returns_the_exact_request(tmp):
    with Listen(tmp, "--once", "--respond", "echo") as ls:
        s = connect(ls.port)
        s.sendall(REQ)
        got = read_all(s)
        s.close()
        rc, out, err = ls.finish()
    h.eq(rc, 0, "exit")
    head, _, body = got.partition(b"\r\n\r\n")
    h.check(head.startswith(b"HTTP/1.1 200 OK") and b"Content-Length: %d" % len(REQ) in head, "head: %r" % head)
    h.eq(body, REQ, "echo body")


def test_respond_file_sends_its_bytes_verbatim(tmp):
    answer = b"HTTP/1.1 418 I'm a teapot\r\nContent-Length: 6\r\nX-Odd:\tyes\r\n\r\nshort!"
    path = os.path.join(tmp, "answer.http")
    with open(path, "wb") as f:
        f.write(answer)
    with Listen(tmp, "--once", "--respond", path) as ls:
        s = connect(ls.port)
        s.sendall(REQ)
        got = read_all(s)
        s.close()
        rc, out, err = ls.finish()
    h.eq(rc, 0, "exit")
    h.eq(got, answer, "the file's bytes")
    h.check("(--respond %s, %d bytes)" % (path, len(answer)) in out, "the response is shown:\n" + out)


def test_respond_none_waits_like_nc(tmp):
    with Listen(tmp, "--once", "--respond", "none") as ls:
        s = connect(ls.port)
        s.sendall(REQ)
        s.settimeout(0.7)
        try:
            early = s.recv(100)
        except socket.timeout:
            early = None
        h.eq(early, None, "nothing is answered (and the connection stays open)")
        s.sendall(b"typed later\n")  # like nc: whatever else comes is shown too
        time.sleep(0.2)
        s.shutdown(socket.SHUT_WR)
        s.settimeout(5)
        rest = read_all(s)
        s.close()
        rc, out, err = ls.finish()
    h.eq(rc, 0, "exit")
    h.eq(rest, b"", "listen closed without a word")
    h.check("more bytes from the client, after the request" in out and "> typed later\\n" in out,
            "bytes after the request shown:\n" + out)
    h.check("response sent" not in out, "no response:\n" + out)
    h.check("the client closed the connection" in out, "how it ended:\n" + out)


def test_respond_bad_file_is_a_usage_error(tmp):
    rc, out, err = h.run(["listen", "0", "--respond", os.path.join(tmp, "missing.http")])
    h.eq(rc, 2, "exit")
    h.check(b"--respond takes ok, echo, none or a FILE" in err, "message: %r" % err)
    # A folder used to be taken as an empty response file.
    rc, out, err = h.run(["listen", "0", "--respond", tmp, "--max-time", "1"])
    h.eq(rc, 2, "exit for a folder")
    h.check(b"is a folder" in err, "message: %r" % err)
    # A device or a FIFO would be read forever, or wait for a writer.
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    for path, why in (("/dev/zero", b"it is a character device"), (fifo, b"it is a FIFO")):
        rc, out, err = h.run(["listen", "0", "--respond", path, "--max-time", "1"], timeout=10)
        h.eq(rc, 2, "exit for %s" % path)
        h.check(why in err, "message: %r" % err)


def test_options_of_the_other_mode_are_refused(tmp):
    # --chat with --respond, or --eol/-v without --chat, were silently ignored.
    for args, want in ((["--chat", "--respond", "echo"], b"--respond and --chat cannot be used together"),
                       (["--eol", "lf"], b"--eol requires --chat"),
                       (["-v"], b"--verbose requires --chat")):
        rc, out, err = h.run(["listen", "0", "--max-time", "5"] + args, stdin=b"")
        h.eq(rc, 2, "exit for %s" % args)
        h.check(want in err, "message for %s: %r" % (args, err))


def test_unwritable_save_is_refused_before_listening(tmp):
    # Found at start (exit 2), not after a client's request has been captured.
    for save, why in ((os.path.join(tmp, "no-such-dir", "x.req"), b"does not exist"), (tmp, b"is a folder")):
        rc, out, err = h.run(["listen", "0", "--once", "--save", save, "--max-time", "5"])
        h.eq(rc, 2, "exit for --save %s" % save)
        h.check(b"cannot write --save" in err and why in err, "message: %r" % err)
        h.check(b"listening on" not in err, "nothing was listened on: %r" % err)


# ------------------------------------------------------ bodies, clients, limits

def test_content_length_body_in_pieces(tmp):
    req = b"POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n"
    with Listen(tmp, "--once", "--respond", "echo") as ls:
        s = connect(ls.port)
        s.sendall(req + b"hello")
        time.sleep(0.3)
        s.sendall(b" world")
        got = read_all(s)
        s.close()
        rc, out, err = ls.finish()
    h.eq(rc, 0, "exit")
    h.check(got.endswith(req + b"hello world"), "the whole request, once its body arrived: %r" % got)
    h.check("body        Content-Length: 11 bytes (11 received)" in out, "framing:\n" + out)
    h.check("request (61 bytes, complete)" in out, "complete:\n" + out)


def test_chunked_body_completes_at_the_last_chunk(tmp):
    req = (b"POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
    with Listen(tmp, "--once", "--respond", "echo") as ls:
        s = connect(ls.port)
        s.sendall(req[:70])
        time.sleep(0.3)
        s.sendall(req[70:])
        got = read_all(s)
        s.close()
        rc, out, err = ls.finish()
    h.eq(rc, 0, "exit")
    h.check(got.endswith(b"\r\n\r\n" + req), "echo of the whole chunked request: %r" % got[-120:])
    h.check("chunked (Transfer-Encoding)" in out and ", complete)" in out, "framing:\n" + out)


def test_client_that_vanishes_mid_request(tmp):
    with Listen(tmp, "--once") as ls:
        s = connect(ls.port)
        s.sendall(b"GET /half HTTP/1.1\r\nHost: a\r\nX-Cut")
        time.sleep(0.2)
        s.close()
        rc, out, err = ls.finish()
    h.eq(rc, 0, "exit")
    h.check("incomplete" in out and "the client closed the connection" in out, "shown as cut short:\n" + out)
    h.check("[head-unterminated]" in out and "no terminating empty line" in out,
            "the finding names what was missing:\n" + out)
    h.check("> X-Cut\n" in out, "the bytes that did arrive are shown:\n" + out)


def test_client_that_resets_mid_body(tmp):
    with Listen(tmp, "--once") as ls:
        s = connect(ls.port)
        s.sendall(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc")
        time.sleep(0.2)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # RST
        rc, out, err = ls.finish()
    h.eq(rc, 0, "exit (a client's reset is the client's business; --once is done)")
    h.check("incomplete" in out, "the request is shown as incomplete:\n" + out)
    h.check("announces 100 bytes but the body has 3" in out, "how much of the body arrived:\n" + out)


def test_idle_timeout_ends_a_stalled_request(tmp):
    with Listen(tmp, "--once", "--idle-timeout", "0.5") as ls:
        s = connect(ls.port)
        t0 = time.monotonic()
        s.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n")  # no empty line: a server would wait
        got = read_all(s, limit=5)
        took = time.monotonic() - t0
        s.close()
        rc, out, err = ls.finish()
    h.eq(rc, 0, "exit")
    h.check(0.4 <= took < 4, "answered after about the idle timeout (%.2fs)" % took)
    h.check(got.startswith(b"HTTP/1.1 200 OK"), "the default answer after the silence: %r" % got[:60])
    h.check("the client went quiet (--idle-timeout)" in out, "why it ended:\n" + out)
    h.check("nothing more arrived for 500 ms" in out, "the finding:\n" + out)


def test_max_time_without_a_client_is_28(tmp):
    with Listen(tmp, "--max-time", "0.5") as ls:
        t0 = time.monotonic()
        rc, out, err = ls.finish(timeout=10)
        took = time.monotonic() - t0
    h.eq(rc, 28, "exit")
    h.check(took < 5, "stopped in time (%.1fs)" % took)
    h.check("--max-time" in err, "the message names the limit: %r" % err)


def test_max_time_with_a_slow_client_is_28(tmp):
    with Listen(tmp, "--max-time", "0.8", "--idle-timeout", "0") as ls:
        s = connect(ls.port)
        s.sendall(b"GET / HTTP/1.1\r\n")
        rc, out, err = ls.finish(timeout=10)
        s.close()
    h.eq(rc, 28, "exit")
    h.check("--max-time" in err, "the message names the limit: %r" % err)
    h.check("> GET / HTTP/1.1\\r\\n" in out, "what arrived was shown:\n" + out)


def test_two_clients_then_ctrl_c(tmp):
    saved = os.path.join(tmp, "c.req")
    with Listen(tmp, "--save", saved) as ls:
        for n in (1, 2):
            s = connect(ls.port)
            s.sendall(b"GET /%d HTTP/1.1\r\nHost: a\r\n\r\n" % n)
            read_all(s)
            s.close()
        time.sleep(0.2)
        rc, out, err = ls.stop()
    h.eq(rc, 130, "Ctrl-C stops listen, exit 130 as SPEC says")
    h.check(out.count("client 127.0.0.1:") >= 2, "both clients shown:\n" + out)
    h.check(b"GET /1 " in open(saved, "rb").read(), "first capture")
    h.check(b"GET /2 " in open(os.path.join(tmp, "c-2.req"), "rb").read(), "second capture in c-2.req")


def test_hex_shows_a_hexdump(tmp):
    with Listen(tmp, "--once", "--hex") as ls:
        s = connect(ls.port)
        s.sendall(REQ)
        read_all(s)
        s.close()
        rc, out, err = ls.finish()
    h.eq(rc, 0, "exit")
    h.check("received (hexdump)" in out, "heading:\n" + out)
    h.check("00000000  47 45 54 20 2f 78 20 48  54 54 50 2f 31 2e 31 0d  |GET /x HTTP/1.1.|" in out,
            "the request as a hexdump:\n" + out)
    h.check("48 54 54 50 2f 31 2e 31  20 32 30 30 20 4f 4b 0d" in out, "the response too:\n" + out)


def test_trace_shows_every_read_and_write(tmp):
    with Listen(tmp, "--once", "--trace") as ls:
        s = connect(ls.port)
        s.sendall(b"GET / HTTP/1.1\r\n")
        time.sleep(0.3)
        s.sendall(b"Host: a\r\n\r\n")
        read_all(s)
        s.close()
        rc, out, err = ls.finish()
    h.eq(rc, 0, "exit")
    import re
    reads = re.findall(r"\[ *[0-9.]+ ms\] #1 < read (\d+) bytes", err)
    writes = re.findall(r"\[ *[0-9.]+ ms\] #1 > write (\d+) bytes", err)
    # Two writes 0.3 s apart are two reads (unless a loaded machine held listen back that long).
    h.eq(sum(int(n) for n in reads), 27, "every byte read is traced, with its size:\n" + err)
    h.check(reads[0] in ("16", "27"), "the first read is the first write:\n" + err)
    h.check(len(writes) >= 1, "the response write:\n" + err)
    h.check("  < GET / HTTP/1.1\\r\\n" in err and "  < Host: a\\r\\n" in err, "read bytes escaped:\n" + err)
    h.check("  > HTTP/1.1 200 OK\\r\\n" in err, "written bytes escaped:\n" + err)


def test_trace_hex(tmp):
    with Listen(tmp, "--once", "--trace", "--hex") as ls:
        s = connect(ls.port)
        s.sendall(REQ)
        read_all(s)
        s.close()
        rc, out, err = ls.finish()
    h.eq(rc, 0, "exit")
    h.check("#1 < read 28 bytes" in err and "  00000000  47 45 54 20" in err, "hexdump in the trace:\n" + err)


def test_garbage_is_shown_and_found(tmp):
    with Listen(tmp, "--once") as ls:
        s = connect(ls.port)
        s.sendall(b"GET / HTTP/1.1\nHost: a\n\n")  # netcat without -C: bare LF
        got = read_all(s)
        s.close()
        rc, out, err = ls.finish()
    h.eq(rc, 0, "exit")
    h.check(got.startswith(b"HTTP/1.1 200"), "the lenient read still completes the request: %r" % got[:40])
    # A bare LF is a warning of the rule book (nginx accepts it): named, with its place, once.
    h.check("line 1, column 15: warning [bare-lf]" in out, "the rule book's finding, with its place:\n" + out)
    h.check(out.count("[bare-lf]") == 1, "one finding per byte, not a parse message and a lint finding:\n" + out)
    h.check("read leniently: a strict server rejects it" not in out, "a warning is not a rejection:\n" + out)


# -------------------------------------------------------------------- usage

def test_bad_where_is_2(tmp):
    for where in ("nonsense", "127.0.0.1:", "70000", "[::1"):
        rc, out, err = h.run(["listen", where])
        h.eq(rc, 2, "exit for %r" % where)
        h.check(b"is not [HOST:]PORT" in err, "message for %r: %r" % (where, err))


def test_port_in_use(tmp):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    try:
        rc, out, err = h.run(["listen", str(port)], timeout=10)
    finally:
        busy.close()
    h.eq(rc, 7, "exit")
    h.check(b"in use" in err and str(port).encode() in err, "a clear message: %r" % err)
    h.check(b"pick another port" in err, "says what to do: %r" % err)


def test_help_has_examples(tmp):
    rc, out, err = h.run(["listen", "--help"])
    h.eq(rc, 0, "exit")
    h.check(b"Examples:" in out and b"--save" in out and b"--trace" in out, "help: %r" % out[-800:])


# ---------------------------------------------------- large captures, many clients

def wait_port_file(path, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(path):
            text = open(path).read().strip()
            if text:
                return int(text)
        time.sleep(0.02)
    raise AssertionError("no port file %s" % path)


class HashRecorder:
    """Takes one connection, hashes what arrives (never holds it), answers
    once `expect` bytes came, then closes."""

    def __init__(self, expect):
        self.expect = expect
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(30)
        self.port = self.sock.getsockname()[1]
        self.sha = hashlib.sha256()
        self.count = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            c, _ = self.sock.accept()
        except OSError:
            return
        c.settimeout(30)
        try:
            while self.count < self.expect:
                data = c.recv(1 << 20)
                if not data:
                    break
                self.sha.update(data)
                self.count += len(data)
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        c.close()

    def done(self):
        self.thread.join(timeout=40)
        self.sock.close()
        return self.count, self.sha.hexdigest()


def capture_and_replay(tmp, big, timeout=90):
    """A client PUTs `big` random bytes to listen --save; the .req and its
    side file are replayed by send to a hashing server. Checks every byte
    both ways; returns (listen's peak RSS, send's peak RSS) in KiB."""
    saved = os.path.join(tmp, "big.req")
    portfile = os.path.join(tmp, "big.port")
    result = {}

    def run_listen():
        try:
            result["run"] = h.run_measured(["listen", "127.0.0.1:0", "--once", "--save", saved,
                                            "--port-file", portfile], timeout=timeout)
        except BaseException as e:  # reported below, in the test's thread
            result["error"] = e
    t = threading.Thread(target=run_listen, daemon=True)
    t.start()
    port = wait_port_file(portfile)
    head = b"PUT /upload HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % big
    sha = hashlib.sha256(head)
    block = os.urandom(1 << 20)  # random bytes: CR, LF, "{{" and NUL all appear
    s = connect(port, timeout=30)
    s.sendall(head)
    sent = 0
    i = 0
    while sent < big:
        chunk = (b"%08d" % i + block[8:])[:big - sent]  # each MiB differs, so a misplaced one shows
        sha.update(chunk)
        s.sendall(chunk)
        sent += len(chunk)
        i += 1
    answer = read_all(s, limit=30)
    s.close()
    t.join(timeout)
    if "error" in result:
        raise result["error"]
    rc, out, err, took, listen_rss = result["run"]
    h.eq(rc, 0, "listen exit; stderr %r" % err[-400:])
    h.check(answer.startswith(b"HTTP/1.1 200 OK"), "answered once the body was whole: %r" % answer[:80])
    side = os.path.join(tmp, "big.body")
    h.eq(os.path.getsize(side), big, "the side file holds the body")
    text = open(saved, "rb").read()
    h.check(len(text) < 4096 and text.endswith(b"\r\n\r\n{{file:big.body}}\r\n"), "the .req: %r" % text)
    h.check(b"PUT /upload HTTP/1.1\r\n" in text, "the head stays in the .req: %r" % text)
    h.check(b"big.body" in out and b"saved %d bytes" % (len(head) + big) in out, "what listen said: %r" % out[-600:])
    # send of the saved .req: every byte, identical to what the client sent.
    rec = HashRecorder(len(head) + big)
    rc, sout, serr, took, send_rss = h.run_measured(["send", saved, "--to", "127.0.0.1:%d" % rec.port],
                                                    timeout=timeout)
    count, digest = rec.done()
    h.eq(rc, 0, "send exit (%r)" % serr[-300:])
    h.eq(count, len(head) + big, "bytes sent")
    h.eq(digest, sha.hexdigest(), "sha256 of what send sent, against what the client sent")
    return listen_rss, send_rss


def test_save_of_a_large_request_is_whole_and_memory_bounded(tmp):
    # Past 64 MiB, the most a {{file:}} holds in memory: send streams the side file from disk.
    # test_adversarial.py does the same with 1 GiB.
    listen_rss, send_rss = capture_and_replay(tmp, (64 << 20) + 1)
    if not h.asan_build():
        h.check(listen_rss < 40 * 1024, "listen's peak RSS stays small: %d KiB for a 64 MiB request" % listen_rss)
        h.check(send_rss < 16 * 1024, "send streams the side file: peak RSS %d KiB" % send_rss)


def test_sigterm_stops_listen_with_0(tmp):
    # Ctrl-C is 130 (the tests above stop listen that way); SIGTERM, a supervisor's stop, is 0.
    with Listen(tmp) as ls:
        ls.proc.send_signal(signal.SIGTERM)
        rc, out, err = ls.finish(timeout=10)
    h.eq(rc, 0, "exit on SIGTERM; stderr %r" % err[-300:])


def test_stalled_clients_do_not_hold_a_normal_one(tmp):
    with Listen(tmp, "--idle-timeout", "25") as ls:
        stalled = []
        for i in range(20):
            s = connect(ls.port)
            s.sendall(b"GET /stalled-%d HTTP/1.1\r\nHos" % i)  # half a head, then silence
            stalled.append(s)
        t0 = time.monotonic()
        s = connect(ls.port)
        s.sendall(b"GET /normal HTTP/1.1\r\nHost: a\r\n\r\n")
        got = read_all(s, limit=10)
        took = time.monotonic() - t0
        s.close()
        time.sleep(0.3)
        for x in stalled:
            x.close()
        rc, out, err = ls.stop(timeout=15)
    h.check(got.startswith(b"HTTP/1.1 200 OK"), "the normal client is answered: %r" % got[:80])
    h.check(took < 2.5, "answered in %.2fs, not after the stalled clients' idle timeout" % took)
    h.eq(rc, 130, "Ctrl-C stops listen, exit 130; stderr %r" % err[-300:])
    h.check("> GET /normal HTTP/1.1" in out, "the normal client shown:\n" + out[-2000:])
    h.eq(out.count(" connected  (to "), 21, "every client shown")


def blocks_of(out, port):
    """The lines of client `port`'s view, from its `connected` line to its last one."""
    lines = out.split("\n")
    me = "client 127.0.0.1:%d" % port
    first = [i for i, l in enumerate(lines) if l.startswith(me + " connected")]
    last = [i for i, l in enumerate(lines) if l.startswith(me + ": ")]
    h.eq((len(first), len(last)), (1, 1), "one start and one end line for %s:\n%s" % (me, out))
    return lines[first[0]:last[0] + 1]


def test_several_clients_each_view_is_one_block(tmp):
    saved = os.path.join(tmp, "c.req")
    with Listen(tmp, "--save", saved) as ls:
        # The first client is alone, so it is shown live; then others come.
        holder = connect(ls.port)
        holder.sendall(b"GET /holder HTTP/1.1\r\n")
        end = time.monotonic() + 10
        while b"> GET /holder" not in open(ls.out_path, "rb").read() and time.monotonic() < end:
            time.sleep(0.05)  # shown live before the others come
        socks = [connect(ls.port) for _ in range(6)]
        ports = [s.getsockname()[1] for s in socks]
        hp = holder.getsockname()[1]
        pieces = [b"GET /client-%d HTTP/1.1\r\n", b"Host: a\r\nX-Client: %d\r\n", b"\r\n"]
        for piece in pieces:  # the clients' bytes arrive interleaved
            for n, s in enumerate(socks):
                s.sendall(piece % n if b"%d" in piece else piece)
            time.sleep(0.1)
        answers = []
        for s in socks:
            answers.append(read_all(s))
            s.close()
        holder.sendall(b"Host: a\r\n\r\n")
        held = read_all(holder)
        holder.close()
        time.sleep(0.3)
        rc, out, err = ls.stop()
    h.eq(rc, 130, "exit after Ctrl-C; stderr %r" % err[-300:])
    h.check(all(a.startswith(b"HTTP/1.1 200 OK") for a in answers + [held]), "all answered: %r" % answers)
    for n, port in enumerate(ports):
        block = blocks_of(out, port)
        text = "\n".join(block)
        h.check("> GET /client-%d HTTP/1.1" % n in text and "X-Client: %d" % n in text,
                "client %d's block has its request:\n%s" % (n, text))
        mine = "127.0.0.1:%d" % port
        others = [l for l in block if any(m != str(n) for m in re.findall(r"client-(\d)", l))
                  or any(m != str(n) for m in re.findall(r"X-Client(?::|\s+)\s*(\d)", l))
                  or "holder" in l or (l.startswith("client 127.0.0.1:") and mine not in l)]
        h.check(not others, "client %d's block is whole, with no other client's lines: %r\n%s" % (n, others, text))
    # The first one: live until the others came, then the rest as one block.
    h.check(("client 127.0.0.1:%d's view is shown when it ends" % hp) in out, "the live view's hand-over:\n" + out)
    cont = out[out.index("client 127.0.0.1:%d, continued" % hp):]
    cont = cont[:cont.index("client 127.0.0.1:%d: " % hp)]
    h.check("client-" not in cont and "Host: a" in cont, "the rest of the first view, whole:\n" + cont)
    # --save with several clients: c.req, c-2.req, ... in the order they connected.
    h.check(b"GET /holder " in open(saved, "rb").read(), "the first client in c.req")
    got = sorted(open(os.path.join(tmp, "c-%d.req" % k), "rb").read().split(b"GET /client-")[1][:1]
                 for k in range(2, 8))
    h.eq(got, [b"%d" % n for n in range(6)], "the others in c-2.req ... c-7.req")


def test_max_clients_holds_the_next_in_the_queue(tmp):
    with Listen(tmp, "--max-clients", "2", "--idle-timeout", "25") as ls:
        a = connect(ls.port)
        a.sendall(b"GET /a HTTP/1.1\r\n")
        b = connect(ls.port)
        b.sendall(b"GET /b HTTP/1.1\r\n")
        time.sleep(0.3)
        c = connect(ls.port)  # the kernel takes the connection; listen does not read it yet
        c.sendall(b"GET /c HTTP/1.1\r\nHost: x\r\n\r\n")
        c.settimeout(1.0)
        try:
            early = c.recv(100)
        except socket.timeout:
            early = None
        h.eq(early, None, "the third client waits while two are served")
        a.sendall(b"Host: x\r\n\r\n")
        got_a = read_all(a)
        a.close()
        t0 = time.monotonic()
        c.settimeout(5)
        got_c = read_all(c)
        took = time.monotonic() - t0
        c.close()
        b.close()
        time.sleep(0.2)
        rc, out, err = ls.stop()
    h.check(got_a.startswith(b"HTTP/1.1 200 OK"), "a answered: %r" % got_a[:60])
    h.check(got_c.startswith(b"HTTP/1.1 200 OK") and took < 3,
            "c answered once a ended (%.2fs): %r" % (took, got_c[:60]))
    h.eq(rc, 130, "exit after Ctrl-C")
    rc, out, err = h.run(["listen", "0", "--max-clients", "0"])
    h.eq(rc, 2, "--max-clients 0 is a usage error (%r)" % err)
    rc, out, err = h.run(["listen", "0", "--chat", "--max-clients", "2"])
    h.eq(rc, 2, "--max-clients is refused with --chat (%r)" % err)
    rc, out, err = h.run(["listen", "--help"])
    h.check(b"--max-clients" in out and b"side file" in out, "help: %r" % out[-1200:])


# ---------------------------------------------------------- terminal safety

EVIL = (b"GET /\x1b[31mred HTTP/1.1\r\nHost: a\r\nX-Evil: \x1b]0;pwned\x07\x1b[2J\xff\x9b\r\n\r\n")


def run_on_pty(argv, client, timeout=10):
    """Runs argv on a pseudo-terminal; `client(port)` is called once the port file exists."""
    portfile = argv[argv.index("--port-file") + 1]
    called = []

    def step(_out):
        if not called and os.path.exists(portfile) and open(portfile).read().strip():
            called.append(True)
            client(int(open(portfile).read()))
    return h.run_on_pty(argv, timeout=timeout, step=step)


def check_terminal_safe(out):
    import re
    h.check(b"\x1b]" not in out and b"\x1b[2J" not in out and b"\x07" not in out,
            "raw control bytes reached the terminal: %r" % out[-600:])
    h.check(b"\xff" not in out and b"\x9b" not in out, "invalid UTF-8 / C1 reached the terminal")
    h.check(b"\x1b[31mred" not in out, "the client's escape sequence passed through")
    plain = re.sub(rb"\x1b\[[0-9;]*m", b"", out)  # rawhttp's own colours
    h.check(b"\\e[31mred" in plain and b"\\e]0;pwned\\x07" in plain, "shown escaped: %r" % plain[-900:])


def test_listen_on_a_terminal_escapes_what_clients_send(tmp):
    portfile = os.path.join(tmp, "pf")

    def client(port):
        s = connect(port)
        s.sendall(EVIL)
        read_all(s)
        s.close()
    out = run_on_pty(["listen", "127.0.0.1:0", "--once", "--port-file", portfile], client)
    check_terminal_safe(out)
    h.check(b"\x1b[" in out, "colours on a terminal (NO_COLOR unset): the test would not see them otherwise")


if __name__ == "__main__":
    h.main(globals())
