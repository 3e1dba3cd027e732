"""send live on the wire: each section on screen when its event happens (driven
on a pseudo-terminal against scripted servers, asserting the order in time),
the progress line, Ctrl-C, Expect: 100-continue, the hints and notes that say
what did not happen, and --trace's TCP events."""
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


class Scripted:
    """A loopback server running `script(conn, server)` in a thread for each of
    `connections` clients; server.mark(name) records when a step happened."""

    def __init__(self, script, connections=1):
        self.script = script
        self.times = {}
        self.received = b""
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(10)
        self.port = self.sock.getsockname()[1]
        self.address = "127.0.0.1:%d" % self.port
        self.connections = connections
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        for _ in range(self.connections):
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            c.settimeout(10)
            try:
                self.script(c, self)
            except OSError:
                pass
            finally:
                c.close()

    def mark(self, name):
        self.times[name] = time.monotonic()

    def read_head(self, c):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = c.recv(65536)
            if not chunk:
                break
            data += chunk
        self.received += data
        return data

    def read_more(self, c, n, wait):
        """Up to n more bytes, waiting at most `wait` seconds in all."""
        c.settimeout(wait)
        data = b""
        try:
            while len(data) < n:
                chunk = c.recv(n - len(data))
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        c.settimeout(10)
        self.received += data
        return data

    def stop(self):
        self.sock.close()
        self.thread.join(timeout=15)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


GET = "GET / HTTP/1.1\nHost: x\n\n"


def seen_times(patterns):
    """A pty step that records when each pattern first appeared on the screen."""
    seen = {}

    def step(out):
        now = time.monotonic()
        for key, pat in patterns.items():
            if key not in seen and pat in out:
                seen[key] = now
    return seen, step


def test_sections_appear_as_their_events_happen(tmp):
    def script(c, s):
        s.read_head(c)
        time.sleep(1.5)
        s.mark("head")
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
        time.sleep(1.5)
        s.mark("body")
        c.sendall(b"hello")

    seen, step = seen_times({"connection": b"connection #1 (new)", "status line": b"< HTTP/1.1 200 OK",
                             "parsed": b"Content-Length: 5 bytes to come", "body": b"< hello"})
    with Scripted(script) as srv:
        rc, out = h.run_on_pty(["send", h.write_req(tmp, GET), "--to", srv.address], timeout=20, step=step,
                               want_rc=True, env={"NO_COLOR": "1"})
    step(out)  # what came just before the exit
    h.eq(rc, 0, "exit; screen: %r" % out[-800:])
    h.check(set(seen) == {"connection", "status line", "parsed", "body"}, "every section came: %r" % out)
    h.check(seen["connection"] < srv.times["head"], "the connection section is on screen before the server sends anything")
    h.check(seen["status line"] < srv.times["body"], "the status line is on screen before the delayed body arrives")
    h.check(seen["parsed"] < srv.times["body"], "the parsed view comes when the head is complete, before the body")
    h.check(seen["body"] >= srv.times["body"], "the body line comes when the body does")


def slow_body(c, s):
    s.read_head(c)
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n")
    for _ in range(8):
        time.sleep(0.15)
        c.sendall(b"x" * 5)


def test_progress_line_for_a_slow_body_on_a_terminal_only(tmp):
    req = h.write_req(tmp, GET)
    body = os.path.join(tmp, "body")
    with Scripted(slow_body, connections=3) as srv:
        rc, out = h.run_on_pty(["send", req, "--to", srv.address, "-o", body, "--show", "parsed"], timeout=15,
                               want_rc=True)
        h.eq(rc, 0, "exit; screen: %r" % out[-600:])
        h.check(b"body " in out and b" of 40 B (" in out and b"elapsed" in out, "a progress line: %r" % out)
        h.eq(open(body, "rb").read(), b"x" * 40, "-o got the body")
        rc, out = h.run_on_pty(["send", req, "--to", srv.address, "-o", body, "--show", "parsed", "--no-progress"],
                               timeout=15, want_rc=True)
        h.eq(rc, 0, "exit with --no-progress")
        h.check(b"elapsed" not in out, "--no-progress: no progress line: %r" % out)
        rc, out, err = h.run(["send", req, "--to", srv.address, "-o", body, "--show", "parsed"])
        h.eq(rc, 0, "exit in a pipe")
        h.check(b"elapsed" not in err and b"elapsed" not in out, "nothing of it in pipes: %r" % err)


def test_ctrl_c_while_waiting_prints_what_happened_and_exits_130(tmp):
    def silent(c, s):
        s.read_head(c)
        s.mark("request")
        s.read_more(c, 1, 6)  # until the client goes

    def drip(c, s):
        s.read_head(c)
        c.sendall(b"HTTP/1.1 200 OK\r\nX-Partial: 1\r\n")  # no empty line
        s.mark("request")
        s.read_more(c, 1, 6)  # until the client goes

    req = h.write_req(tmp, GET)
    for script, waiting, shown in ((silent, b"was waiting for the response's first byte", b"connection #1"),
                                   (drip, b"was waiting for the rest of the response head (no empty line yet)",
                                    b"< X-Partial: 1\\r\\n")):
        with Scripted(script) as srv:
            typed = []

            def step(out):
                if not typed and "request" in srv.times and shown in out:
                    typed.append(time.monotonic())
                    return b"\x03"
            t0 = time.monotonic()
            rc, out = h.run_on_pty(["send", req, "--to", srv.address], timeout=10, step=step, want_rc=True,
                                   env={"NO_COLOR": "1", "COLUMNS": "400"})
            h.eq(rc, 130, "Ctrl-C exits 130; screen: %r" % out[-800:])
            h.check(typed and time.monotonic() - t0 < 5, "it ended at the Ctrl-C, not at a timeout")
            h.check(b"interrupted (Ctrl-C, exit 130) after " in out, "the summary: %r" % out[-800:])
            h.check(b"connected to 127.0.0.1:" in out and b"sent 27 of 27 request bytes" in out,
                    "connected, bytes sent: %r" % out[-800:])
            h.check(waiting in out, "what it was waiting for: %r" % out[-800:])
            h.eq(out.count(b"was waiting"), 1, "printed once on the terminal")


def test_ctrl_c_with_json_is_still_one_document(tmp):
    def silent(c, s):
        s.read_head(c)
        s.mark("request")
        s.read_more(c, 1, 6)  # until the client goes

    with Scripted(silent) as srv:
        def step(out):
            if "request" in srv.times and not getattr(step, "typed", False):
                step.typed = True
                return b"\x03"
        rc, out = h.run_on_pty(["send", h.write_req(tmp, GET), "--to", srv.address, "--json"], timeout=10,
                               step=step, want_rc=True)
    h.eq(rc, 130, "exit: %r" % out[-600:])
    text = out.replace(b"\r\n", b"\n").decode("utf-8", "replace")
    doc = json.loads(text[text.index("{"):text.rindex("}") + 1])
    h.eq(doc["exchanges"][0]["error"]["kind"], "interrupted", "the error kind")
    h.eq(doc["exchanges"][0]["request"]["bytes_sent"], 27, "bytes sent")


POST_EXPECT = "POST /up HTTP/1.1\nHost: x\nExpect: 100-continue\nContent-Length: 5\n\nhello"
HEAD_BYTES = len(b"POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")


def test_expect_100_continue_sends_the_body_after_100(tmp):
    got = {}

    def script(c, s):
        got["head"] = s.read_head(c)
        c.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        got["body"] = s.read_more(c, 5, 3)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    with Scripted(script) as srv:
        rc, doc, err = h.run_json(["send", h.write_req(tmp, POST_EXPECT), "--to", srv.address])
    h.eq(rc, 0, "exit (%r)" % err)
    h.check(got["head"].endswith(b"\r\n\r\n"), "the head came alone first: %r" % got["head"])
    h.eq(got["body"], b"hello", "the body came after 100")
    ex = doc["exchanges"][0]
    h.eq([i["status"] for i in ex["response"]["interim"]], [100], "the interim 100")
    h.eq((ex["request"]["bytes_sent"], ex["request"]["body_withheld"]), (HEAD_BYTES + 5, False), "all sent")
    h.eq(ex["response"]["status"], 200, "final status")


def test_expect_100_continue_final_status_first_means_no_body(tmp):
    later = []

    def script(c, s):
        s.read_head(c)
        c.sendall(b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")
        later.append(s.read_more(c, 5, 0.8))

    req = h.write_req(tmp, POST_EXPECT)
    with Scripted(script, connections=2) as srv:
        rc, doc, err = h.run_json(["send", req, "--to", srv.address])
        rc2, out, err2 = h.run(["send", req, "--to", srv.address])
    h.eq((rc, rc2), (0, 0), "exits (%r %r)" % (err, err2))
    h.eq(later, [b"", b""], "the body was never sent")
    ex = doc["exchanges"][0]
    h.eq((ex["request"]["bytes_sent"], ex["request"]["body_withheld"]), (HEAD_BYTES, True), "the head alone was sent")
    h.check(any("was not sent" in n for n in ex["notes"]), "a note says so: %r" % ex["notes"])
    h.check(b"the request body was not sent" in out and b"417" in out, "the view says so: %r" % out)


def test_expect_100_continue_silence_sends_the_body_after_the_timeout(tmp):
    got = {}

    def script(c, s):
        early = s.read_head(c).partition(b"\r\n\r\n")[2]
        got["body"] = early + s.read_more(c, 5 - len(early), 5)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    req = h.write_req(tmp, POST_EXPECT)
    with Scripted(script, connections=2) as srv:
        rc, doc, err = h.run_json(["send", req, "--to", srv.address, "--expect100-timeout", "0.3"])
        h.eq(rc, 0, "exit (%r)" % err)
        h.eq(got["body"], b"hello", "the body came after the wait")
        notes = doc["exchanges"][0].get("notes", [])
        h.check(any("sent anyway" in n for n in notes), "a note says it was sent anyway: %r" % notes)
        got.clear()
        rc, doc, err = h.run_json(["send", req, "--to", srv.address, "--expect100-timeout", "0"])
        h.eq(rc, 0, "exit with 0 (%r)" % err)
        h.check(not any("anyway" in n for n in doc["exchanges"][0].get("notes", [])), "0: nothing waited for")
        h.eq(doc["exchanges"][0]["request"]["bytes_sent"], HEAD_BYTES + 5, "0: all sent at once")
    rc, out, err = h.run(["send", req, "--to", "127.0.0.1:1", "--expect100-timeout", "-1"])
    h.eq(rc, 2, "a negative timeout is a usage error: %r" % err)


def test_requests_not_sent_after_a_failure_are_named(tmp):
    def script(c, s):
        s.read_head(c)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        s.read_head(c)
        c.sendall(b"NOT HTTP AT ALL\r\n\r\n")

    req = h.write_req(tmp, GET + "###\n" + GET + "###\n" + GET + "###\n" + GET)
    with Scripted(script, connections=2) as srv:
        rc, out, err = h.run(["send", req, "--to", srv.address])
        rc2, doc, err2 = h.run_json(["send", req, "--to", srv.address])
    h.eq((rc, rc2), (8, 8), "malformed reply: exit 8 (%r)" % err)
    h.check(b"requests 3-4 of 4 were not sent" in out, "the view names them: %r" % out[-400:])
    h.check("requests 3-4 of 4 were not sent" in doc["notes"], "--json notes: %r" % doc["notes"])
    h.eq(len(doc["exchanges"]), 2, "two exchanges ran")
    # Nothing listening: none was sent.
    rc, doc, err = h.run_json(["send", req, "--to", "127.0.0.1:%d" % h.free_port()])
    h.eq(rc, 7, "refused")
    h.check("requests 1-4 of 4 were not sent" in doc["notes"], "none sent: %r" % doc["notes"])


def test_hints_name_tls(tmp):
    def tls_alert(c, s):
        s.read_head(c)
        c.sendall(b"\x15\x03\x01\x00\x02\x02\x46")  # what a TLS server answers to plain HTTP

    with Scripted(tls_alert) as srv:
        rc, out, err = h.run(["send", h.write_req(tmp, GET), "--to", srv.address])
    h.eq(rc, 8, "not HTTP: %r" % err)
    h.check(b"hint: the reply starts with a TLS record" in out and b"add --tls" in out, "the hint: %r" % out)
    with h.ScriptedServer([b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"]) as srv:
        rc, out, err = h.run(["send", h.write_req(tmp, "GET https://x/ HTTP/1.1\nHost: x\n\n"),
                              "--to", "127.0.0.1:%d" % srv.port])
    h.eq(rc, 0, "sent")
    h.check(b"https://..., but it went over plain TCP: add --tls" in out, "the https:// hint: %r" % out)


def test_error_printed_once_on_a_terminal(tmp):
    port = h.free_port()
    rc, out = h.run_on_pty(["send", h.write_req(tmp, GET), "--to", "127.0.0.1:%d" % port], want_rc=True)
    h.eq(rc, 7, "refused: %r" % out)
    h.eq(out.count(b"nothing listens on that port"), 1, "the error once: %r" % out)
    h.check(b"rawhttp serve %d" % port in out, "with the CLI's advice: %r" % out)
    rc, out, err = h.run(["send", h.write_req(tmp, GET), "--to", "127.0.0.1:%d" % port])
    h.check(b"nothing listens on that port" in err, "in a pipe, stderr has it for scripts: %r" % err)


def test_every_line_fits_the_terminal(tmp):
    import re
    value = "v" * 150
    with h.ScriptedServer([("HTTP/1.1 200 OK\r\nX-Long: %s\r\nContent-Length: 2\r\n\r\nok" % value).encode()]) as srv:
        rc, out = h.run_on_pty(["send", h.write_req(tmp, GET), "--to", "127.0.0.1:%d" % srv.port,
                                "-v", "--timing"], want_rc=True, env={"COLUMNS": "60"})
    h.eq(rc, 0, "exit: %r" % out[-500:])
    plain = re.sub(rb"\x1b\[[0-9;]*[A-Za-z]", b"", out).decode("utf-8")
    lines = plain.split("\r\n")
    h.check(all(len(l) <= 60 for l in lines), "a line is wider than 60 columns: %r" % [l for l in lines if len(l) > 60])
    table = [l for l in lines if l.startswith("     1  X-Long")]
    h.check(table, "the header table row: %r" % plain)
    at = lines.index(table[0])
    joined = lines[at].split("X-Long", 1)[1].strip() + "".join(l.strip() for l in lines[at + 1:at + 6])
    h.check(joined.startswith(value), "the value is all there, continued under its column: %r" % lines[at:at + 4])
    h.check(lines[at + 1].startswith(" " * 24 + "v"), "continuation indented under the value: %r" % lines[at + 1])
    at = [i for i, l in enumerate(lines) if l.startswith("  status      200  OK: the request")][0]
    h.check(lines[at].endswith(" ") and lines[at + 1].startswith(" " * 19) and lines[at + 1][19] != " ",
            "prose breaks between words, under its text: %r" % lines[at:at + 2])


def test_wide_terminal_shows_each_raw_line_with_its_meaning(tmp):
    import re
    resp = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
    with h.ScriptedServer([resp], connections=2) as srv:
        wide = h.run_on_pty(["send", h.write_req(tmp, GET), "--to", "127.0.0.1:%d" % srv.port], env={"COLUMNS": "160"})
        narrow = h.run_on_pty(["send", h.write_req(tmp, GET), "--to", "127.0.0.1:%d" % srv.port], env={"COLUMNS": "100"})
    wide = re.sub(rb"\x1b\[[0-9;]*[A-Za-z]", b"", wide).decode()
    narrow = re.sub(rb"\x1b\[[0-9;]*[A-Za-z]", b"", narrow).decode()
    h.check("parsed, line by line" in wide, "the wide view: %r" % wide)
    rows = {l.split("\\r\\n")[0].strip(): l.split("\\r\\n", 1)[1].strip() for l in wide.split("\r\n")
            if l.startswith("  ") and not l.startswith("  <") and "\\r\\n " in l}
    h.eq(rows.get("Content-Length: 2"), "field 2: framing: the body is exactly 2 bytes", "the framing beside its line")
    h.check(rows.get("HTTP/1.1 200 OK", "").startswith("status line: HTTP/1.1, status 200 (OK"), "the status line: %r" % rows)
    h.check(rows.get("", "").startswith("the empty line: the head ends"), "the empty line: %r" % rows)
    h.check(all(len(l) <= 160 for l in wide.split("\r\n")), "fits 160 columns")
    h.check("parsed, line by line" not in narrow and "status      200" in narrow, "narrower: today's order: %r" % narrow)


def test_trace_shows_tcp_events(tmp):
    req = h.write_req(tmp, GET)
    with h.ScriptedServer([b"HTTP/1.1 200 OK\r\n\r\nuntil close"]) as srv:
        rc, out, err = h.run(["send", req, "--to", "127.0.0.1:%d" % srv.port, "--trace"])
    h.eq(rc, 0, "exit: %r" % err)
    for want in (b"* connecting to 127.0.0.1:", b"* TCP connection established in", b"* FIN received",
                 b"* closed by rawhttp"):
        h.check(want in err, "%r in the trace: %r" % (want, err))
    h.check(err.index(b"connecting") < err.index(b"established") < err.index(b"> write") < err.index(b"FIN"),
            "in order: %r" % err)
    with h.ScriptedServer([b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc", 0.2], close="reset") as srv:
        rc, out, err = h.run(["send", req, "--to", "127.0.0.1:%d" % srv.port, "--trace"])
    h.eq(rc, 56, "reset: %r" % err)
    h.check(b"* RST received" in err, "the reset in the trace: %r" % err)


if __name__ == "__main__":
    h.main(globals())
