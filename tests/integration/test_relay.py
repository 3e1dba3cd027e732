"""rawhttp relay, end to end: real clients (curl, wget, Python's urllib, raw
sockets, rawhttp send) through the relay to real servers (serve, nginx,
scripted loopback servers), on 127.0.0.1 only. Every process and socket is
bounded in time."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


def env():
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "NO_COLOR": "1", "TERM": "dumb",
         "HOME": os.environ.get("HOME", "/tmp")}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if k in os.environ:
            e[k] = os.environ[k]
    return e


class Relay:
    """`rawhttp relay 127.0.0.1:0 ARGS --port-file F` in the background;
    stdout and stderr go to files, read after stop()."""

    def __init__(self, tmp, *args):
        self.tmp = tmp
        portfile = os.path.join(tmp, "relay.port.%d" % id(self))
        self.out_path = os.path.join(tmp, "relay.out.%d" % id(self))
        self.err_path = os.path.join(tmp, "relay.err.%d" % id(self))
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen([h.RAWHTTP, "relay", "127.0.0.1:0", "--port-file", portfile] + list(args),
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env(),
                                         start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if os.path.exists(portfile) and open(portfile).read().strip():
                self.port = int(open(portfile).read())
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.kill()
        raise AssertionError("rawhttp relay did not start: %r" % open(self.err_path, "rb").read())

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def peak_rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def output(self):
        return open(self.out_path, "rb").read().decode("utf-8", "replace")

    def wait_output(self, pattern, timeout=10):
        """Waits until stdout matches `pattern` (a regex); returns the output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = self.output()
            if re.search(pattern, out):
                return out
            time.sleep(0.05)
        raise AssertionError("relay output never matched %r: %s" % (pattern, self.output()[-1500:]))

    def wait_count(self, pattern, n, timeout=10):
        """Waits until `pattern` (a regex, per line) matches n lines of stdout; returns the output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = self.output()
            if len(re.findall(pattern, out, re.M)) >= n:
                return out
            time.sleep(0.05)
        raise AssertionError("relay output never had %d lines matching %r: %s" % (n, pattern, self.output()[-1500:]))

    def stop(self, timeout=10):
        """SIGTERM, then the exit; returns (rc, stdout, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("rawhttp relay did not exit within %ss after SIGTERM" % timeout)
        err = open(self.err_path, "rb").read().decode("utf-8", "replace")
        # Stopped by SIGTERM, the relay exits 0 (under the sanitizers: with no report).
        h.check(rc == 0 and "Sanitizer" not in err and "runtime error" not in err,
                "relay exit %s after SIGTERM; stderr: %s" % (rc, err[-1500:]))
        return rc, self.output(), err

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def curl(*args, timeout=20, extra_env=None):
    if not shutil.which("curl"):
        raise h.Skip("curl is not installed (scripts/setup-deps test installs it)")
    e = env()
    e.update(extra_env or {})
    p = subprocess.run(["curl", "-sS", "--max-time", "15"] + list(args), capture_output=True, timeout=timeout, env=e)
    return p.returncode, p.stdout, p.stderr


def without_date(raw):
    return re.sub(rb"(?im)^Date: [^\r\n]*\r?\n", b"", raw)


def raw_exchange(port, data, timeout=5, expect_close=True):
    """Sends `data` on a new connection, half-closes, reads until the server closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    got = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        got += chunk
    s.close()
    return got


class Upstream:
    """A loopback server whose n-th connection runs behaviours[n] (the last
    one repeats): 'ok' answers each request head with a 200, 'reset' resets
    after reading the head, 'stall' reads and says nothing for 8 s, or a
    bytes value sent verbatim after the head (then the connection closes)."""

    def __init__(self, behaviours):
        self.behaviours = behaviours
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received = []
        self._stop = False
        self.threads = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        n = 0
        while not self._stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            b = self.behaviours[min(n, len(self.behaviours) - 1)]
            n += 1
            t = threading.Thread(target=self._serve, args=(c, b), daemon=True)
            t.start()
            self.threads.append(t)

    def _serve(self, c, b):
        c.settimeout(0.2)
        data = b""
        end = time.monotonic() + 8
        try:
            while time.monotonic() < end and not self._stop:
                try:
                    chunk = c.recv(65536)
                except socket.timeout:
                    continue
                if not chunk:
                    break
                data += chunk
                if b"\r\n\r\n" not in data:
                    continue
                if b == "ok":
                    while b"\r\n\r\n" in data:
                        data = data[data.index(b"\r\n\r\n") + 4:]
                        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
                    continue
                if b == "reset":
                    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    break
                if b == "stall":
                    continue
                c.sendall(b)
                break
        except OSError:
            pass
        self.received.append(data)
        c.close()

    def stop(self):
        self._stop = True
        self.thread.join(timeout=5)
        self.sock.close()
        for t in self.threads:
            t.join(timeout=10)


# ------------------------------------------------------------- transparency

def same_through_relay(tmp, server_port, cases):
    """Each curl case gives the same bytes directly and through the relay (apart from Date)."""
    r = Relay(tmp, "--to", "127.0.0.1:%d" % server_port)
    try:
        for name, args in cases:
            rc1, direct, err1 = curl("-i", "--raw", "-H", "Host: fixed.test", *[a.replace("{port}", str(server_port)) for a in args])
            rc2, relayed, err2 = curl("-i", "--raw", "-H", "Host: fixed.test", *[a.replace("{port}", str(r.port)) for a in args])
            h.eq(rc1, 0, "%s: curl directly (%r)" % (name, err1))
            h.eq(rc2, 0, "%s: curl through the relay (%r)" % (name, err2))
            h.check(len(direct) > 0, "%s: an answer came" % name)
            h.eq(without_date(relayed), without_date(direct), "%s: bytes through the relay" % name)
    finally:
        rc, out, err = r.stop()
    h.eq(rc, 0, "relay exit after SIGTERM (%s)" % err[-300:])
    return out


def test_curl_to_serve_same_bytes(tmp):
    body = os.path.join(tmp, "body.txt")
    with open(body, "wb") as f:
        f.write(b"line one\nline two\n" * 100)
    with h.PracticeServer() as srv:
        out = same_through_relay(tmp, srv.port, [
            ("GET", ["http://127.0.0.1:{port}/echo"]),
            ("POST with Content-Length", ["-d", "name=alice", "http://127.0.0.1:{port}/echo"]),
            ("chunked upload", ["-H", "Transfer-Encoding: chunked", "--data-binary", "@" + body,
                                "http://127.0.0.1:{port}/echo"]),
            ("HEAD", ["-I", "http://127.0.0.1:{port}/"]),
            ("chunked download", ["http://127.0.0.1:{port}/chunked/5000"]),
            ("keep-alive, three requests", ["http://127.0.0.1:{port}/echo", "http://127.0.0.1:{port}/status/201",
                                            "http://127.0.0.1:{port}/bytes/10"]),
        ])
    # What the relay showed: requests parsed, findings, timing, the pairing on one connection.
    h.check("POST /echo HTTP/1.1" in out and "Content-Length: 10 bytes" in out, "the POST parsed: %s" % out[:2000])
    h.check("chunked, 1800 bytes decoded" in out, "the chunked upload decoded: %s" % out[-3000:])
    h.check(re.search(r"request received [\d.]+ ms \(client -> relay\), forwarded [\d.]+ ms \(relay -> upstream\), "
                      r"first byte [\d.]+ ms, total [\d.]+ ms", out), "timing shown")
    m = re.search(r"exchange \d+  \(connection (\d+), #3 on it", out)
    h.check(m, "three exchanges on one connection: %s" % out[-3000:])
    block = out[out.index("#3 on it"):]
    h.check("GET /bytes/10 HTTP/1.1" in block and "HTTP/1.1 200 OK" in block, "the third paired with its response")
    h.check("\\r\\n" in out and "findings  none" in out, "raw view with CR LF visible, findings")


def test_curl_to_nginx_same_bytes(tmp):
    locs = 'location / { return 200 "hello from nginx $request_method $request_uri\\n"; }'
    with h.Nginx(locations=locs) as ng:
        same_through_relay(tmp, ng.port, [
            ("GET", ["http://127.0.0.1:{port}/a?b=c"]),
            ("POST", ["-d", "x=1", "http://127.0.0.1:{port}/form"]),
            ("HEAD", ["-I", "http://127.0.0.1:{port}/"]),
            ("keep-alive", ["http://127.0.0.1:{port}/1", "http://127.0.0.1:{port}/2", "http://127.0.0.1:{port}/3"]),
        ])


def test_pipelining_paired_in_order(tmp):
    reqs = b"".join(b"GET /status/%d HTTP/1.1\r\nHost: x\r\n\r\n" % s for s in (201, 202, 203))
    reqs += b"GET /status/204 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with h.PracticeServer() as srv:
        direct = raw_exchange(srv.port, reqs)
        r = Relay(tmp, "--to", srv.address)
        try:
            relayed = raw_exchange(r.port, reqs)
            r.wait_output(r"connection 1 closed")
        finally:
            rc, out, _ = r.stop()
    h.eq(without_date(relayed), without_date(direct), "pipelined bytes through the relay")
    h.check(direct.count(b"HTTP/1.1 20") == 4, "four answers")
    blocks = out.split("exchange ")[1:]
    pairs = []
    for b in blocks:
        m1 = re.search(r"GET /status/(\d+)", b)
        m2 = re.search(r"parsed    HTTP/1.1 (\d+)", b)
        if m1 and m2:
            pairs.append((m1.group(1), m2.group(1)))
    h.eq(pairs, [("201", "201"), ("202", "202"), ("203", "203"), ("204", "204")], "requests paired with responses")


def test_big_body_streams_in_bounded_memory(tmp):
    size = 256 << 20
    with h.PracticeServer() as srv:
        r = Relay(tmp, "--to", srv.address)
        try:
            s = socket.create_connection(("127.0.0.1", r.port), timeout=20)
            s.sendall(b"GET /bytes/%d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % size)
            got = 0
            head = b""
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                if len(head) < 200:
                    head += chunk[:200]
                got += len(chunk)
            s.close()
            out = r.wait_output(r"connection 1 closed")
            rss = r.peak_rss_kib()
        finally:
            r.stop()
    h.check(head.startswith(b"HTTP/1.1 200"), "a 200 came: %r" % head[:80])
    h.check(got > size, "all %d bytes came through (got %d)" % (size, got))
    h.check("Content-Length: %d bytes" % size in out and "complete" in out, "the relay saw the whole body")
    if not h.asan_build():
        h.check(rss < 16 * 1024, "relay peak RSS %d KiB, bound 16 MiB" % rss)


def test_hundred_concurrent_clients(tmp):
    with h.PracticeServer() as srv:
        r = Relay(tmp, "--to", srv.address)
        results = [None] * 100

        def one(i):
            try:
                with urllib.request.urlopen("http://%s/bytes/%d" % (r.address, 1000 + i), timeout=30) as resp:
                    results[i] = (resp.status, len(resp.read()))
            except Exception as e:  # noqa: BLE001 - reported below
                results[i] = repr(e)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(100)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        try:
            out = r.wait_count(r"^connection \d+ closed", 100, timeout=20)
        finally:
            rc, out, _ = r.stop()
    h.eq(results, [(200, 1000 + i) for i in range(100)], "every client got its bytes")
    h.eq(len(re.findall(r"^exchange \d+", out, re.M)), 100, "100 exchanges shown")
    h.eq(rc, 0, "relay exit")


# ----------------------------------------------------------- save and HAR

def test_save_replays_byte_identical(tmp):
    caps = os.path.join(tmp, "caps")
    up1, up2 = h.Recorder(), h.Recorder()
    try:
        r = Relay(tmp, "--to", "127.0.0.1:%d" % up1.port, "--save", caps)
        try:
            rc, _, err = curl("-d", "name=alice&x={{y}}", "-H", "X-Odd: tab\there",
                              "http://%s/form?q=1" % r.address)
            h.eq(rc, 0, "curl (%r)" % err)
            r.wait_output(r"saved .*0001\.req")
        finally:
            r.stop()
        h.check(os.path.exists(os.path.join(caps, "0001.response")), "0001.response written")
        h.eq(open(os.path.join(caps, "0001.response"), "rb").read(), h.Recorder.ANSWER, "the raw response saved")
        rc, out, err = h.run(["send", os.path.join(caps, "0001.req"), "--to", "127.0.0.1:%d" % up2.port])
        h.eq(rc, 0, "send the saved .req (%r)" % err[-300:])
        time.sleep(0.2)
        h.check(len(up1.received) > 0, "the upstream got the request")
        h.eq(up2.received, up1.received, "the replay reaches the upstream byte for byte")
    finally:
        up1.stop()
        up2.stop()


def test_save_big_body_side_file(tmp):
    caps = os.path.join(tmp, "caps")
    body = os.urandom(3 << 20)
    request = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body
    with h.PracticeServer() as srv:
        r = Relay(tmp, "--to", srv.address, "--save", caps)
        try:
            got = raw_exchange(r.port, request)
            r.wait_output(r"saved .*0001\.req")
        finally:
            r.stop()
        h.check(got.startswith(b"HTTP/1.1 200") and got.endswith(request), "serve echoed it: %r" % got[:80])
        h.check(os.path.exists(os.path.join(caps, "0001.body")), "the body went to a side file")
        h.check(os.path.getsize(os.path.join(caps, "0001.req")) < 4096, "the .req stays small")
        h.eq(open(os.path.join(caps, "0001.response"), "rb").read(), got, "the raw response saved")
        rc, out, err = h.run(["compose", os.path.join(caps, "0001.req")], timeout=30)
        h.check(rc == 0 and out == request, "compose gives the request's bytes (rc %d, %d bytes)" % (rc, len(out)))
        rc, out, err = h.run(["send", os.path.join(caps, "0001.req"), "--to", srv.address, "--show", "body"],
                             timeout=30)
        h.eq(rc, 0, "send the saved .req (%r)" % err[-300:])
        h.check(out == request, "the replay reaches serve byte for byte (its /echo: %d bytes)" % len(out))


# A JSON Schema of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/):
# every object and field the spec marks required, with its type.
def _obj(required, props, **extra):
    d = {"type": "object", "required": required, "properties": props}
    d.update(extra)
    return d


_NV = {"type": "array", "items": _obj(["name", "value"], {"name": {"type": "string"}, "value": {"type": "string"}})}
HAR_SCHEMA = _obj(["log"], {"log": _obj(["version", "creator", "entries"], {
    "version": {"type": "string", "const": "1.2"},
    "creator": _obj(["name", "version"], {"name": {"type": "string"}, "version": {"type": "string"}}),
    "pages": {"type": "array"},
    "entries": {"type": "array", "items": _obj(
        ["startedDateTime", "time", "request", "response", "cache", "timings"], {
            "pageref": {"type": "string"},
            "startedDateTime": {"type": "string",
                                "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"},
            "time": {"type": "number", "minimum": 0},
            "request": _obj(["method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize",
                             "bodySize"], {
                "method": {"type": "string"}, "url": {"type": "string"}, "httpVersion": {"type": "string"},
                "cookies": {"type": "array"}, "headers": _NV, "queryString": _NV,
                "postData": _obj(["mimeType"], {"mimeType": {"type": "string"}, "text": {"type": "string"},
                                                "params": {"type": "array"}}),
                "headersSize": {"type": "integer"}, "bodySize": {"type": "integer"}}),
            "response": _obj(["status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL",
                              "headersSize", "bodySize"], {
                "status": {"type": "integer"}, "statusText": {"type": "string"}, "httpVersion": {"type": "string"},
                "cookies": {"type": "array"}, "headers": _NV,
                "content": _obj(["size", "mimeType"], {"size": {"type": "integer"}, "mimeType": {"type": "string"},
                                                       "text": {"type": "string"}, "encoding": {"type": "string"}}),
                "redirectURL": {"type": "string"}, "headersSize": {"type": "integer"}, "bodySize": {"type": "integer"}}),
            "cache": {"type": "object"},
            "timings": _obj(["send", "wait", "receive"], {
                k: {"type": "number", "minimum": -1}
                for k in ("blocked", "dns", "connect", "send", "wait", "receive", "ssl")}),
            "serverIPAddress": {"type": "string"},
            "connection": {"type": "string"},
            "comment": {"type": "string"}})}})})


def test_har_valid_and_names_every_exchange(tmp):
    try:
        import jsonschema
    except ImportError:
        raise h.Skip("python3-jsonschema is not installed (scripts/setup-deps test installs it)")
    har = os.path.join(tmp, "x.har")
    with h.PracticeServer() as srv:
        r = Relay(tmp, "--to", srv.address, "--har", har)
        try:
            rc, _, err = curl("http://%s/echo?a=1&b=2" % r.address, "-d", "k=v", "http://%s/status/404" % r.address,
                              "-o", "/dev/null", "-o", "/dev/null")
            h.eq(rc, 0, "curl (%r)" % err)
            rc, _, err = curl("http://%s/chunked/3000" % r.address, "-o", "/dev/null")
            r.wait_count(r"^exchange \d+", 3)
            time.sleep(0.2)
        finally:
            r.stop()
    doc = json.load(open(har))
    jsonschema.validate(doc, HAR_SCHEMA)
    entries = doc["log"]["entries"]
    h.eq(len(entries), 3, "one entry per exchange")
    h.eq([e["request"]["url"].split("/", 3)[3] for e in entries], ["echo?a=1&b=2", "status/404", "chunked/3000"],
         "the entries name every exchange, in order")
    h.eq([e["response"]["status"] for e in entries], [200, 404, 200], "statuses")
    h.eq(entries[0]["request"]["queryString"], [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}], "query")
    h.eq(entries[0]["request"]["postData"]["text"], "k=v", "the posted body")
    h.eq(entries[2]["response"]["content"]["size"], 3000, "the decoded size of a chunked body")


# ------------------------------------------------------- misbehaving sides

def test_reset_and_stalled_upstream_end_only_their_connection(tmp):
    up = Upstream(["reset", "stall", "ok"])
    try:
        r = Relay(tmp, "--to", "127.0.0.1:%d" % up.port, "--idle-timeout", "1")
        try:
            got = raw_exchange(r.port, b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
            h.eq(got, b"", "nothing came back from a reset upstream")
            r.wait_output(r"connection 1 closed: receiving from the upstream failed: .*reset")
            t0 = time.monotonic()
            s = socket.create_connection(("127.0.0.1", r.port), timeout=5)
            s.sendall(b"GET /two HTTP/1.1\r\nHost: x\r\n\r\n")
            # Meanwhile another client is served.
            rc, body, err = curl("http://%s/three" % r.address)
            h.eq((rc, body), (0, b"ok\n"), "a client served while another's upstream stalls (%r)" % err)
            s.settimeout(5)
            h.eq(s.recv(100), b"", "the stalled exchange's client is closed")
            s.close()
            h.check(time.monotonic() - t0 < 4, "the stall ended by --idle-timeout")
            # The relay reports the limit that fired; the command line names its option.
            out = r.wait_output(r"connection 2 closed: the upstream sent nothing for 1 s while a response was due "
                                r"\(--idle-timeout\)")
        finally:
            rc, out, _ = r.stop()
    finally:
        up.stop()
    h.check("no response came before the connection ended" in out, "the unanswered exchange reported: %s" % out)
    h.eq(rc, 0, "relay exit")


def test_client_gone_mid_body(tmp):
    with h.PracticeServer() as srv:
        r = Relay(tmp, "--to", srv.address)
        try:
            s = socket.create_connection(("127.0.0.1", r.port), timeout=5)
            s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly ten..")
            time.sleep(0.2)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()  # a reset: the client is gone
            out = r.wait_output(r"connection 1 closed")
            rc, body, err = curl("http://%s/status/200" % r.address)
            h.eq(rc, 0, "the relay still serves others (%r)" % err)
            s = socket.create_connection(("127.0.0.1", r.port), timeout=5)
            s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly ten..")
            time.sleep(0.2)
            s.close()  # a FIN half-way through the body
            out = r.wait_output(r"connection 3 closed")
        finally:
            rc, out, _ = r.stop()
    h.check(re.search(r"connection 1 closed: receiving from the client failed: .*reset", out), out[-2000:])
    h.check(re.search(r"connection 3 closed: the client closed the connection in the middle of a request", out),
            out[-2000:])
    h.check("content-length-exceeds-body" in out, "the short body named by the rule book")


def test_findings_on_both_sides(tmp):
    bad_response = b"HTTP/1.1 200 OK\r\nX-Long: a\r\n b\r\nContent-Length: 2\r\n\r\nhi"
    up = Upstream([bad_response])
    try:
        r = Relay(tmp, "--to", "127.0.0.1:%d" % up.port)
        try:
            got = raw_exchange(r.port, b"GET / HTTP/1.1\nHost: x\r\n\r\n")
            out = r.wait_output(r"connection 1 closed")
        finally:
            r.stop()
    finally:
        up.stop()
    h.eq(got, bad_response, "the response passed on unchanged")
    h.eq(up.received, [b"GET / HTTP/1.1\nHost: x\r\n\r\n"], "the request passed on unchanged")
    h.check(re.search(r"warning \[bare-lf\] line 1", out), "the request's bare LF found: %s" % out)
    h.check("[obs-fold]" in out.split("response from the upstream")[1], "the response's obs-fold found")


def test_upgrade_becomes_tunnel(tmp):
    answer = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n" + b"t" * 500
    up = Upstream([answer])
    try:
        r = Relay(tmp, "--to", "127.0.0.1:%d" % up.port)
        try:
            got = raw_exchange(r.port, b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
            out = r.wait_output(r"connection 1 closed")
        finally:
            r.stop()
    finally:
        up.stop()
    h.eq(got, answer, "the bytes passed on")
    h.check("tunnel: 0 bytes client -> upstream, 500 bytes upstream -> client" in out, "tunnel counted: %s" % out)


def test_tls_upstream(tmp):
    ca, cert, key = h.make_tls_cert(tmp)
    with h.Nginx(tls=(cert, key)) as ng:
        r = Relay(tmp, "--to", "localhost:%d" % ng.tls_port, "--tls", "--cacert", ca)
        try:
            rc, body, err = curl("http://%s/" % r.address)
            h.eq((rc, body), (0, b"hello over tls\n"), "plain in, TLS out (%r)" % err)
            out = r.wait_output(r"connection 1 closed")
        finally:
            r.stop()
        h.check(re.search(r"upstream 127\.0\.0\.1:%d connected in .*TLSv1\.[23]" % ng.tls_port, out), out)
        # Not verified: the connection is refused, the relay goes on.
        r = Relay(tmp, "--to", "localhost:%d" % ng.tls_port, "--tls")
        try:
            rc, body, err = curl("http://%s/" % r.address)
            h.check(rc != 0, "no answer without the CA")
            out = r.wait_output(r"connection 1 closed: cannot reach the upstream .*certificate")
        finally:
            r.stop()


# ------------------------------------------------------------- proxy mode

def test_proxy_curl_wget_urllib(tmp):
    with h.PracticeServer() as srv:
        r = Relay(tmp, "--as-proxy")
        try:
            proxy = "http://%s" % r.address
            rc, body, err = curl("-x", proxy, "-H", "Connection: X-Hop", "-H", "X-Hop: 1",
                                 "http://%s/echo?via=curl" % srv.address)
            h.eq(rc, 0, "curl through the proxy (%r)" % err)
            h.check(body.startswith(b"GET /echo?via=curl HTTP/1.1\r\nHost: %s\r\n" % srv.address.encode()),
                    "origin-form target and Host from the target: %r" % body[:200])
            h.check(b"\r\nVia: 1.1 rawhttp\r\n" in body, "Via added")
            for hop in (b"Proxy-Connection", b"X-Hop", b"Connection:"):
                h.check(hop not in body, "%s removed: %r" % (hop, body))
            if not shutil.which("wget"):
                raise h.Skip("wget is not installed (scripts/setup-deps test installs it)")
            e = env()
            e["http_proxy"] = proxy
            p = subprocess.run(["wget", "-q", "-O", "-", "--timeout=10", "--tries=1",
                                "http://%s/echo?via=wget" % srv.address], capture_output=True, timeout=20, env=e)
            h.eq(p.returncode, 0, "wget through the proxy (%r)" % p.stderr)
            h.check(p.stdout.startswith(b"GET /echo?via=wget HTTP/1.1\r\n"), "wget: origin-form: %r" % p.stdout[:100])
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}))
            with opener.open("http://%s/echo?via=urllib" % srv.address, timeout=10) as resp:
                got = resp.read()
            h.check(got.startswith(b"GET /echo?via=urllib HTTP/1.1\r\n"), "urllib: origin-form: %r" % got[:100])
            out = r.wait_count(r"^exchange \d+", 3)
        finally:
            r.stop()
    h.check(re.search(r"- GET http://127\.0\.0\.1:\d+/echo\?via=curl HTTP/1\.1\\r\\n", out), "diff: %s" % out[:3000])
    h.check("+ GET /echo?via=curl HTTP/1.1\\r\\n" in out, "diff: the new request line")
    h.check("+ Via: 1.1 rawhttp\\r\\n" in out and "- Proxy-Connection: Keep-Alive\\r\\n" in out, "diff: Via, hop fields")


def test_proxy_no_via_and_not_a_proxy_request(tmp):
    with h.PracticeServer() as srv:
        r = Relay(tmp, "--as-proxy", "--no-via")
        try:
            rc, body, err = curl("-x", "http://%s" % r.address, "http://%s/echo" % srv.address)
            h.check(rc == 0 and b"Via:" not in body, "--no-via: no Via (%r)" % body)
            got = raw_exchange(r.port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            h.check(got.startswith(b"HTTP/1.1 400 Bad Request\r\n") and b"absolute-form" in got,
                    "an origin-form request gets the proxy's 400: %r" % got)
            got = raw_exchange(r.port, b"GET http://127.0.0.1:1/ HTTP/1.1\r\nHost: x\r\n\r\n")
            h.check(got.startswith(b"HTTP/1.1 502 Bad Gateway\r\n"), "an unreachable host gets 502: %r" % got)
        finally:
            r.stop()


def test_proxy_keep_alive_and_another_host(tmp):
    with h.PracticeServer() as a, h.PracticeServer() as b:
        r = Relay(tmp, "--as-proxy")
        try:
            rc, out, err = curl("-x", "http://%s" % r.address, "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                                "-w", "%{http_code} %{num_connects}\n", "http://%s/status/201" % a.address,
                                "http://%s/status/202" % a.address, "http://%s/status/203" % b.address)
            h.eq(rc, 0, "curl (%r)" % err)
            h.eq(out.split(), [b"201", b"1", b"202", b"0", b"203", b"0"], "three answers on one client connection")
            out = r.wait_output(r"connection 1 closed")
        finally:
            r.stop()
    ups = re.findall(r"connection 1: upstream (\S+) connected", out)
    h.eq(ups, [a.address, b.address], "one upstream connection per host, in turn")
    h.check(re.search(r"#3 on it: client \S+ -> upstream %s" % re.escape(b.address), out), "the third went to b")


def test_https_proxy_tunnel_verified_end_to_end(tmp):
    ca, cert, key = h.make_tls_cert(tmp)
    with h.Nginx(tls=(cert, key)) as ng:
        r = Relay(tmp, "--as-proxy")
        try:
            rc, body, err = curl("--cacert", ca, "--resolve", "localhost:%d:127.0.0.1" % ng.tls_port,
                                 "https://localhost:%d/" % ng.tls_port,
                                 extra_env={"https_proxy": "http://%s" % r.address})
            h.eq((rc, body), (0, b"hello over tls\n"), "curl through the tunnel, certificate verified (%r)" % err)
            out = r.wait_output(r"connection 1 closed")
        finally:
            r.stop()
    h.check("CONNECT localhost:%d HTTP/1.1" % ng.tls_port in out, "the CONNECT shown: %s" % out)
    h.check("response from the relay itself" in out and "200 Connection Established" in out, "the proxy's answer")
    m = re.search(r"tunnel: (\d+) bytes client -> upstream, (\d+) bytes upstream -> client", out)
    h.check(m and int(m.group(1)) > 100 and int(m.group(2)) > 500, "tunnel byte counts: %s" % out[-800:])


# ------------------------------------------------------------ send --proxy

def test_send_proxy_through_relay_and_tinyproxy(tmp):
    ca, cert, key = h.make_tls_cert(tmp)
    with h.PracticeServer() as srv, h.Nginx(tls=(cert, key)) as ng:
        plain = h.write_req(tmp, "GET http://%s/echo HTTP/1.1\nHost: %s\n\n" % (srv.address, srv.address), "plain.req")
        tls = h.write_req(tmp, "GET / HTTP/1.1\nHost: localhost:%d\n\n" % ng.tls_port, "tls.req")
        tls_args = ["--to", "127.0.0.1:%d" % ng.tls_port, "--tls", "--cacert", ca]
        rc, composed, err = h.run(["compose", tls, "--proxy", "127.0.0.1:1"] + tls_args[:3])
        h.eq(rc, 0, "compose --proxy (%r)" % err)
        connect = b"CONNECT 127.0.0.1:%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % (ng.tls_port, ng.tls_port)
        h.check(composed.startswith(connect + b"GET / HTTP/1.1\r\n"), "compose --proxy prints the CONNECT: %r" % composed)
        tp = h.Tinyproxy(tmp, ng.tls_port)
        r = Relay(tmp, "--as-proxy")
        try:
            for name, proxy in (("tinyproxy", "127.0.0.1:%d" % tp.port), ("relay --as-proxy", r.address)):
                rc, out, err = h.run(["send", plain, "--proxy", proxy, "--show", "body"])
                h.eq(rc, 0, "%s: plain send --proxy (%r)" % (name, err[-300:]))
                h.check(out.startswith(b"GET /echo HTTP/1.1\r\n"), "%s: the proxy forwarded it: %r" % (name, out[:200]))
                rc, out, err = h.run(["send", plain, "--proxy", proxy, "--show", "connection"])
                h.check(b"through the proxy %s: the request goes to it as written" % proxy.encode() in out,
                        "%s: the connection view names the proxy hop: %r" % (name, out))
                rc, out, err = h.run(["send", tls, "--proxy", proxy, "--show", "connection,body"] + tls_args)
                h.eq(rc, 0, "%s: TLS send --proxy (%r)" % (name, err[-300:]))
                h.check(b"hello over tls" in out and b"TLSv1." in out, "%s: TLS inside the tunnel: %r" % (name, out))
                h.check(b"CONNECT 127.0.0.1:%d, then TLS inside the tunnel" % ng.tls_port in out, "%s: both hops" % name)
            rc, out, err = h.run(["send", tls, "--proxy", r.address] + tls_args[:-2])
            h.eq(rc, 60, "without the CA the certificate is not verified, end to end (%r)" % err[-300:])
            out = r.wait_count(r"^connection \d+ closed", 3)
        finally:
            r.stop()
            tp.stop()
    h.check(connect.decode().replace("\r\n", "\\r\\n") in out.replace("\n  > ", ""),
            "the relay saw the CONNECT compose printed: %s" % out[:3000])


# ---------------------------------------------------------------- usage

def test_ctrl_c_exits_130(tmp):
    # SPEC: 130 when interrupted with Ctrl-C (SIGTERM, the stop above, is 0).
    with h.PracticeServer() as srv:
        r = Relay(tmp, "--to", srv.address)
        r.proc.send_signal(signal.SIGINT)
        rc = r.proc.wait(timeout=10)
        err = open(r.err_path, "rb").read().decode("utf-8", "replace")
    h.eq(rc, 130, "relay exit on Ctrl-C; stderr %r" % err[-300:])
    h.check("Sanitizer" not in err and "runtime error" not in err, "no sanitizer report: %s" % err[-1500:])


def test_usage_errors(tmp):
    for args, words in ((["relay", "8080"], "--to"),
                        (["relay", "x:y", "--to", "127.0.0.1:1"], "[HOST:]PORT"),
                        (["relay", "0", "--to", "a b"], "HOST[:PORT]"),
                        (["relay", "0", "--to", "127.0.0.1:1", "--no-via"], "--as-proxy"),
                        (["relay", "0", "--as-proxy", "--to", "127.0.0.1:1"], "--as-proxy"),
                        (["relay", "0", "--to", "127.0.0.1:1", "--insecure"], "--tls"),
                        (["relay", "0", "--to", "127.0.0.1:1", "--idle-timeout", "0"], "--idle-timeout")):
        rc, out, err = h.run(args)
        h.eq(rc, 2, "exit for %r" % args)
        h.check(words.encode() in err, "%r: message names %s: %r" % (args, words, err))
    rc, out, err = h.run(["relay", "--help"])
    h.eq(rc, 0, "--help")
    h.check(b"--as-proxy" in out and b"--save" in out and b"Examples:" in out, "help text")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        rc, out, err = h.run(["relay", "127.0.0.1:%d" % s.getsockname()[1], "--to", "127.0.0.1:1"])
        h.eq(rc, 7, "a port in use (%r)" % err)


if __name__ == "__main__":
    h.main(globals())
