"""The pictures of the conversation: send --show timeline in the terminal, and
--report FILE.html (send, compare and relay) rendered by a real headless Chromium:
its DOM holds an arrow for every read and write of the trace, its screenshot
is not blank, and the page loads nothing from the network, not even when the
server's bytes try to make it."""
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import signal
import threading
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def _chromium():
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        raise h.Skip("chromium is not installed (scripts/setup-deps test installs it)")
    return path


class Catcher:
    """A loopback listener that counts every connection made to it: the
    proxy Chromium is told to use, and the address the hostile server's
    bytes point to."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.seen = []
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            c.settimeout(1)
            try:
                self.seen.append(c.recv(4096))
            except OSError:
                self.seen.append(b"")
            c.close()

    def stop(self):
        self.stopping = True
        self.thread.join(timeout=5)
        self.sock.close()


def _render(tmp, page, *how, offline=True):
    """Runs headless Chromium on the page (file://), with a private profile and
    no background traffic; `offline`: every host name and address resolves
    nowhere, so nothing can leave the machine. Returns stdout."""
    args = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + os.path.join(tmp, "profile"),
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--hide-scrollbars"]
    if offline:
        args.append("--host-resolver-rules=MAP * ~NOTFOUND")
    args += list(how) + ["file://" + page]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=90)
    h.eq(p.returncode, 0, "chromium exit; stderr: %s" % p.stderr.decode(errors="replace")[-1500:])
    return p.stdout.decode(errors="replace")


def _png_pixels(path):
    """Decodes an 8-bit RGB/RGBA PNG with zlib alone: (width, height, rows of pixel tuples)."""
    data = open(path, "rb").read()
    h.check(data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG file")
    pos, idat, width, height, bpp = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            h.eq(depth, 8, "PNG bit depth")
            bpp = {2: 3, 6: 4}[color]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return width, height, rows


def _trace_counts(stderr):
    """Reads and writes of connection #N in send --trace output: {N: (writes, reads)}."""
    counts = {}
    for m in re.finditer(r"\] #(\d+) ([<>]) (read|write) \d+ bytes", stderr):
        w, r = counts.get(int(m.group(1)), (0, 0))
        counts[int(m.group(1))] = (w + (m.group(3) == "write"), r + (m.group(3) == "read"))
    return counts


def _svg_counts(dom):
    """Arrows of each diagram in the DOM: [(writes, reads)] in order."""
    out = []
    for svg in re.findall(r"<svg class=\"timeline\".*?</svg>", dom, re.S):
        writes = reads = 0
        for g in re.finditer(r"<g class=\"arrow (write|read)[^\"]*\"[^>]*data-reads=\"(\d+)\" data-writes=\"(\d+)\"", svg):
            writes += int(g.group(3))
            reads += int(g.group(2))
        out.append((writes, reads))
    return out


def test_timeline_in_the_terminal(tmp):
    with h.PracticeServer() as s:
        rc, out, err = h.run(["send", "get-local.req", "--var", "port=%d" % s.port, "--show", "timeline", "--trace"])
    h.eq(rc, 0, "exit; stderr: %r" % err)
    text = out.decode()
    lines = text.splitlines()
    for line in lines:
        h.check(len(line) <= 80, "fits 80 columns: %r" % line)
    h.check("\x1b" not in text, "no colour when stdout is not a terminal")
    # The timeline alone is the whole view: no exchange titles, no other section.
    h.check("===" not in text and "parsed" not in text, "only the diagram:\n" + text)
    h.check(lines[0].startswith("connection #1: 127.0.0.1:") and "-> 127.0.0.1:%d" % s.port in lines[0], lines[0])
    order = ["connect to 127.0.0.1:%d" % s.port, "resolved: 127.0.0.1:%d" % s.port, "|-- SYN", "local port",
             "|-- ", "B  GET / HTTP/1.1\\r\\n", "|<-- ", "HTTP/1.1 200 OK\\r\\n", "end of head: 200 OK",
             "FIN: rawhttp closed the socket"]
    at = 0
    for want in order:
        found = text.find(want, at)
        h.check(found >= 0, "%r after position %d in:\n%s" % (want, at, text))
        at = found
    h.check("rawhttp closed first" in lines[-1], "who closed first: %r" % lines[-1])
    # One arrow for every write and read of the trace (no body grouping: the body is one read).
    writes, reads = _trace_counts(err.decode())[1]
    h.eq(len(re.findall(r"\|-- \d+ B  ", text)), writes, "write arrows = --trace writes")
    h.eq(len(re.findall(r"\|<-- \d+ B  ", text)) + len(re.findall(r"\|<-- body: ", text)), reads,
         "read arrows = --trace reads")
    # The local port in the diagram is the connection's.
    port = re.search(r"connection #1: 127\.0\.0\.1:(\d+)", lines[0]).group(1)
    h.check("local port %s" % port in text, "the SYN-ACK names the local port %s" % port)


def test_timeline_of_a_refused_connect(tmp):
    rc, out, err = h.run(["send", "get-local.req", "--var", "port=%d" % h.free_port(), "--show", "timeline"])
    h.eq(rc, 7, "exit")
    text = out.decode()
    h.check("connect failed: could not connect" in text and "no connection: the connect failed" in text, text)
    h.check(b"could not connect" in err, "the error on stderr: %r" % err)


def test_timeline_over_tls_against_nginx(tmp):
    ca, cert, key = h.make_tls_cert(tmp)
    n = h.Nginx(tls=(cert, key))
    try:
        req = h.write_req(tmp, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        rc, out, err = h.run(["send", req, "--to", "127.0.0.1:%d" % n.tls_port, "--tls", "--cacert", ca,
                              "--show", "timeline", "--trace"])
    finally:
        n.stop()
    h.eq(rc, 0, "exit; stderr: %r" % err)
    text = out.decode()
    for line in text.splitlines():
        h.check(len(line) <= 80, "fits 80 columns: %r" % line)
    at = 0
    for want in ["|-- SYN", "local port", "TLS handshake done", "|-- ", "B  GET / HTTP/1.1\\r\\n", "|<-- ",
                 "HTTP/1.1 200 OK", "end of head: 200 OK"]:
        found = text.find(want, at)
        h.check(found >= 0, "%r after position %d in:\n%s" % (want, at, text))
        at = found
    writes, reads = _trace_counts(err.decode())[1]
    h.eq(len(re.findall(r"\|-- \d+ B  ", text)), writes, "write arrows = --trace writes")
    h.eq(len(re.findall(r"\|<-- \d+ B  ", text)) + sum(int(k) for k in re.findall(r"\|<-- body: (\d+) reads?", text)),
         reads, "read arrows = --trace reads")


def test_timeline_colour_only_on_a_terminal_and_never_with_no_color(tmp):
    with h.PracticeServer() as s:
        args = ["send", "get-local.req", "--var", "port=%d" % s.port, "--show", "timeline"]
        coloured = h.run_on_pty(args, env={"COLUMNS": "80"}).decode(errors="replace")
        plain = h.run_on_pty(args, env={"COLUMNS": "80", "NO_COLOR": "1"}).decode(errors="replace")
    h.check("\x1b[" in coloured and "SYN" in coloured, "colours on a terminal:\n%r" % coloured[-800:])
    h.check("SYN" in plain and "\x1b[3" not in plain and "\x1b[2m" not in plain, "NO_COLOR: none:\n%r" % plain[-800:])
    for line in plain.replace("\r", "").splitlines():
        h.check(len(line) <= 80, "fits the terminal's 80 columns: %r" % line)


def test_timeline_groups_a_long_body_and_shows_the_server_closing_first(tmp):
    body = b"x" * 4000
    # No Content-Length: the body runs to the server's FIN, so the server closes first.
    pieces = [b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"]
    for k in range(0, len(body), 200):
        pieces += [body[k:k + 200], 0.01]
    with h.ScriptedServer(pieces) as srv:
        req = h.write_req(tmp, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        rc, out, err = h.run(["send", req, "--to", "127.0.0.1:%d" % srv.port, "--show", "timeline", "--trace"])
    h.eq(rc, 0, "exit; stderr: %r" % err)
    text = out.decode()
    writes, reads = _trace_counts(err.decode())[1]
    h.check(reads > 10, "the body came in many reads (%d)" % reads)
    grouped = [int(n) for n in re.findall(r"\|<-- body: (\d+) reads?, ", text)]
    single = len(re.findall(r"\|<-- \d+ B  ", text))
    h.check(grouped and max(grouped) == 8, "body reads 8 to an arrow: %r\n%s" % (grouped, text))
    h.eq(sum(grouped) + single, reads, "every read is in an arrow")
    h.check("FIN: the server closed its side" in text, text)
    h.check("the server closed first" in text.splitlines()[-1], text)


def test_report_svg_has_an_arrow_for_every_read_and_write(tmp):
    page = os.path.join(tmp, "get.html")
    with h.PracticeServer() as s:
        req = h.write_req(tmp, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n###\nGET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Connection: close\r\n\r\n")
        rc, out, err = h.run(["send", req, "--to", s.address, "--report", page, "--trace"])
    h.eq(rc, 0, "exit; stderr: %r" % err)
    counts = _trace_counts(err.decode())
    dom = _render(tmp, page, "--dump-dom")
    h.check("<h1>rawhttp send " in dom, "the page rendered: %r" % dom[:500])
    diagrams = _svg_counts(dom)
    h.eq(len(diagrams), len(counts), "one diagram per connection")
    h.eq(diagrams, [counts[n] for n in sorted(counts)], "arrows (writes, reads) = the trace's")
    h.check(sum(w for w, _ in diagrams) >= 2 and sum(r for _, r in diagrams) >= 2, "both requests and answers drawn")
    # Each response line beside its meaning; CR/LF visible; the waterfall.
    h.check("status line: HTTP/1.1, status 200" in dom, "the status line's meaning")
    h.check('<span class="eol">\\r</span><span class="eol">\\n</span>' in dom, "CR LF visible")
    h.check("wait for first byte" in dom and 'class="waterfall"' in dom, "the timing waterfall")
    h.check(dom.count('class="hex-toggle"') >= 4 and "<pre class=\"hex\"" in dom, "a hex view per message")


def test_report_screenshot_is_not_blank(tmp):
    page = os.path.join(tmp, "get.html")
    with h.PracticeServer() as s:
        rc, _, err = h.run(["send", "get-local.req", "--var", "port=%d" % s.port, "--report", page])
    h.eq(rc, 0, "exit; stderr: %r" % err)
    png = os.path.join(tmp, "shot.png")
    _render(tmp, page, "--screenshot=" + png, "--window-size=1000,1400")
    width, height, rows = _png_pixels(png)
    h.eq((width, height), (1000, 1400), "screenshot size")
    colours, ink = set(), 0
    for row in rows[::4]:
        for px in row[::4]:
            colours.add(px)
            ink += px != (255, 255, 255)
    h.check(len(colours) > 20, "many colours, not a blank page: %d" % len(colours))
    h.check(ink > 0.01 * (width // 4) * (height // 4), "ink on the page: %d sampled pixels" % ink)
    # A light page for printing: white stays the background.
    h.check(ink < 0.6 * (width // 4) * (height // 4), "a light background: %d of the samples are not white" % ink)


def test_report_loads_nothing_even_when_the_server_tries(tmp):
    catcher = Catcher()
    try:
        # The server's head and body hold markup that would fetch from the catcher.
        lure = "http://127.0.0.1:%d/leak" % catcher.port
        hostile = ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Lure: <img src=\"%s\"><script src='%s'></script>\r\n"
                   "Content-Length: 60\r\n\r\n" % (lure, lure)).encode()
        body = ("<link rel=stylesheet href=\"%s\">" % lure).encode().ljust(60, b" ")[:60]
        with h.ScriptedServer([hostile + body]) as srv:
            page = os.path.join(tmp, "hostile.html")
            req = h.write_req(tmp, "GET /<b>x</b> HTTP/1.1\r\nHost: x\r\n\r\n")
            rc, _, err = h.run(["send", req, "--to", "127.0.0.1:%d" % srv.port, "--report", page])
        h.eq(rc, 0, "exit; stderr: %r" % err)
        html = open(page, encoding="utf-8").read()
        h.check(not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html, re.I), "no network src/href in the page")
        h.check(not re.search(r"url\(\s*['\"]?(?!#)", html) and "@import" not in html,
                "no CSS fetches (only url(#marker) references inside the page)")
        h.check("<img" not in html and "<link" not in html and html.count("<script") == 1, "the server's markup escaped")
        h.check("&lt;img src=&quot;http://127.0.0.1" in html, "shown as text, escaped")
        # Rendered with the network open to loopback: the lure is not followed...
        dom = _render(tmp, page, "--dump-dom", "--virtual-time-budget=2000", offline=False)
        h.check("X-Lure" in dom, "the page rendered")
        h.eq(catcher.seen, [], "connections the report page made")
        # ... while the same markup unescaped would be: the check can fail.
        control = os.path.join(tmp, "control.html")
        with open(control, "w") as f:
            f.write("<!DOCTYPE html><html><body><p>control</p><img src=\"%s\"></body></html>" % lure)
        _render(tmp, control, "--dump-dom", "--virtual-time-budget=2000", offline=False)
        h.check(len(catcher.seen) >= 1 and catcher.seen[0].startswith(b"GET /leak "),
                "the control page's fetch was seen: %r" % catcher.seen)
    finally:
        catcher.stop()


def test_report_links_findings_to_their_lines(tmp):
    page = os.path.join(tmp, "lf.html")
    with h.PracticeServer() as s:
        rc, _, err = h.run(["send", "get-local.req", "--var", "port=%d" % s.port, "--eol", "lf", "--report", page])
    h.eq(rc, 0, "exit; stderr: %r" % err)
    html = open(page, encoding="utf-8").read()
    m = re.search(r'<tr id="(s0e1-req-l1)" class="flagged">.*?<a class="flag" href="#(s0e1-req-f\d+)"[^>]*>\[bare-lf\]</a>',
                  html)
    h.check(m, "the request line is flagged bare-lf, linked to its finding")
    h.check(('<li id="%s">' % m.group(2)) in html and ('href="#%s">line 1</a>' % m.group(1)) in html,
            "the finding links back to line 1")
    h.check("<span class=\"eol\">\\n</span>" in html, "the bare LF is visible")
    h.check("Rawhttp-Warnings" in html, "serve's answer naming the warning is in the response")


def test_report_explains_a_chunked_body_line_by_line(tmp):
    page = os.path.join(tmp, "chunked.html")
    with h.PracticeServer() as s:
        rc, _, err = h.run(["send", "chunked-response.req", "--var", "port=%d" % s.port, "--report", page])
    h.eq(rc, 0, "exit; stderr: %r" % err)
    html = open(page, encoding="utf-8").read()
    h.check("field 4 (Transfer-Encoding): framing: the body comes in chunks" in html or
            "(Transfer-Encoding): framing: the body comes in chunks" in html, "the framing field explained")
    h.check(re.search(r"chunk size: 0x[0-9a-f]+ = \d+ bytes of data follow", html), "a chunk-size line explained")
    h.check("the last chunk (size 0)" in html and "the empty line: the chunked body ends" in html, "the end explained")


def test_report_path_that_cannot_be_written_is_a_usage_error(tmp):
    with h.PracticeServer() as s:
        rc, out, err = h.run(["send", "get-local.req", "--var", "port=%d" % s.port, "--report",
                              os.path.join(tmp, "no", "such", "dir", "r.html")])
    h.eq(rc, 2, "exit")
    h.check(b"cannot write --report" in err, err)
    h.eq(out, b"", "nothing sent, nothing shown")


def test_compare_report_has_two_columns(tmp):
    if not shutil.which("curl"):
        raise h.Skip("curl is not installed (scripts/setup-deps test installs it)")
    page = os.path.join(tmp, "compare.html")
    with h.PracticeServer() as s:
        rc, out, err = h.run(["compare", "get-local.req", "--var", "port=%d" % s.port, "--report", page, "--curl-default"])
    h.eq(rc, 1, "curl's defaults differ; stderr: %r" % err)
    dom = _render(tmp, page, "--dump-dom")
    h.check('<div class="sides two">' in dom, "two columns")
    h.check("<h2>rawhttp's socket</h2>" in dom and "<h2>libcurl</h2>" in dom, "both sides named")
    diagrams = _svg_counts(dom)
    h.eq(len(diagrams), 2, "a diagram per side")
    h.check(all(w >= 1 and r >= 1 for w, r in diagrams), "each side wrote and read: %r" % diagrams)
    h.check("User-Agent: curl/" in dom, "curl's request as it wrote it")
    h.check("libcurl connected: 127.0.0.1:" in dom, "libcurl's connection, known once it wrote")


def test_relay_report_draws_each_connection_and_its_exchanges(tmp):
    page = os.path.join(tmp, "relay.html")
    with h.PracticeServer() as s:
        portfile = os.path.join(tmp, "relay.port")
        relay = subprocess.Popen([h.RAWHTTP, "relay", "127.0.0.1:0", "--to", s.address, "--port-file", portfile,
                                  "--report", page], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, start_new_session=True)
        try:
            deadline = time.monotonic() + 10
            while not (os.path.exists(portfile) and open(portfile).read().strip()):
                h.check(time.monotonic() < deadline and relay.poll() is None, "relay started")
                time.sleep(0.02)
            port = int(open(portfile).read())
            # Two exchanges on one connection, with a bare LF for the rule book to name.
            req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1\n\n###\nGET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Connection: close\r\n\r\n")
            rc, _, err = h.run(["send", req, "--to", "127.0.0.1:%d" % port, "--eol", "keep"])
            h.eq(rc, 0, "send through the relay; stderr: %r" % err)
            deadline = time.monotonic() + 10
            while "closed: " not in open(page, encoding="utf-8").read():
                h.check(time.monotonic() < deadline, "the page says the connection closed")
                time.sleep(0.05)
        finally:
            relay.send_signal(signal.SIGTERM)
            relay.wait(timeout=10)
    h.eq(relay.returncode, 0, "relay exit; stderr: %r" % relay.stderr.read())
    dom = _render(tmp, page, "--dump-dom")
    h.check("<h1>rawhttp relay to %s</h1>" % s.address in dom, "the page rendered")
    svgs = re.findall(r"<svg class=\"timeline\".*?</svg>", dom, re.S)
    h.eq(len(svgs), 1, "one client connection, one diagram")
    h.eq(len(re.findall(r'<g class="arrow write"', svgs[0])), 2, "an arrow per request")
    h.eq(len(re.findall(r'<g class="arrow read"', svgs[0])), 2, "an arrow per response")
    h.check("upstream (through the relay)" in svgs[0], "the upstream's lane")
    h.check(dom.count('class="waterfall"') == 2, "a waterfall per exchange")
    h.check(">[bare-lf]</a>" in dom, "the relay's finding on the client's bare LF, linked to its line")
    h.check("status line: HTTP/1.1, status 200" in dom, "the response line by line")


if __name__ == "__main__":
    h.main(globals())
