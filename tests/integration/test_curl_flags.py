"""URLs and curl's flags where a FILE goes, `import curl`, and the curl
commands rawhttp prints (`compose --curl-command`, `compare`), each checked
byte for byte against the real curl: both clients send to one
`rawhttp listen --save` on 127.0.0.1, and the saved captures are compared
(`rawhttp compose` of a capture gives its exact bytes)."""
import os
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from test_listen import Listen  # noqa: E402

CURL_OWN = (b"User-Agent: curl/", b"Accept: */*\r\n")


def need_curl():
    if not shutil.which("curl"):
        raise h.Skip("curl is not installed (scripts/setup-deps test installs it)")


def curl(args, cwd=None, timeout=20):
    p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-m", "10"] + list(args), cwd=cwd,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    h.eq(p.returncode, 0, "curl %s exit (stderr %r)" % (args, p.stderr[-300:]))


def captures(tmp, clients, where="127.0.0.1:0"):
    """Runs each client(port) in turn against one `listen --save`; returns the
    exact bytes each sent, from the saved .req files (x.req, x-2.req, ...)."""
    saved = os.path.join(tmp, "cap.req")
    if os.path.exists(os.path.join(tmp, "listen.port")):
        os.unlink(os.path.join(tmp, "listen.port"))  # the last capture's: a new listener writes its own
    with Listen(tmp, "--save", saved, "--max-clients", "1", where=where) as ls:
        for client in clients:
            client(ls.port)
        rc, out, err = ls.stop()
    got = []
    for i in range(len(clients)):
        path = saved if i == 0 else os.path.join(tmp, "cap-%d.req" % (i + 1))
        h.check(os.path.exists(path), "capture %d saved (listen said %r)" % (i + 1, out[-600:]))
        rc, data, err = h.run(["compose", path])
        h.eq(rc, 0, "compose of capture %d (%r)" % (i + 1, err))
        got.append(data)
        os.unlink(path)
    return got


def without_curls_own(data):
    """curl's bytes minus the two headers it adds on its own."""
    head, sep, body = data.partition(b"\r\n\r\n")
    lines = [l for l in head.split(b"\r\n") if not any((l + b"\r\n").startswith(p) for p in CURL_OWN)]
    return b"\r\n".join(lines) + sep + body


def send(args, cwd=None):
    rc, out, err = h.run(["send"] + list(args), cwd=cwd)
    h.eq(rc, 0, "rawhttp send %s exit (stderr %r)" % (args, err[-600:]))
    return err


def data_files(tmp):
    with open(os.path.join(tmp, "form.txt"), "wb") as f:
        f.write(b"name=alice\r\n&city=Z\xc3\xbcrich\n&x=1\n")
    with open(os.path.join(tmp, "bin.dat"), "wb") as f:
        f.write(bytes(range(256)) + b"\r\n\n{{not an expression}}")
    with open(os.path.join(tmp, "big.dat"), "wb") as f:
        f.write(b"0123456789abcdef" * (70 * 1024))  # 1.1 MiB: curl adds Expect: 100-continue


# Flag combinations: each is sent by curl and by rawhttp send URL.
COMBINATIONS = [
    ("plain GET", [], "/"),
    ("-X and -H in order", ["-X", "PUT", "-H", "X-B: 2", "-H", "X-A: 1", "-H", "x-lower:  spaced  "], "/put"),
    ("several -d joined with &", ["-d", "a=1", "-d", "b=two words", "-d", ""], "/form"),
    ("-d @file drops CR and LF", ["-d", "@form.txt"], "/form"),
    ("--data-binary @file keeps every byte", ["--data-binary", "@bin.dat"], "/bin"),
    ("--json", ["--json", '{"k":[1,2],"s":"\u00e9"}'], "/api"),
    ("--json pieces, a custom Accept", ["--json", '{"a":1', "--json", "}", "-H", "Accept: text/plain"], "/api"),
    ("-d then --json: no & before JSON", ["-d", "x=1", "--json", "[2]"], "/mix"),
    ("-u -A -e -b", ["-u", "alice:s3cr:et", "-A", "agent/1.0", "-e", "http://ref.example/page", "-b", "a=1; b=2"],
     "/who"),
    ("-H Host, X; empty, Accept: removed", ["-H", "X-Empty;", "-H", "Host: example.test:81", "-H", "Accept:",
                                            "-H", "X-Gone:"], "/host"),
    ("-X PATCH with a Content-Type and binary data",
     ["-X", "PATCH", "-H", "Content-Type: application/octet-stream", "--data-binary", "@bin.dat"], "/patch"),
    ("Transfer-Encoding: chunked makes curl chunk", ["-H", "Transfer-Encoding: chunked", "-d", "hello"], "/chunk"),
    ("-A '' sends no User-Agent, --data-raw keeps @", ["-A", "", "--data-raw", "@not-a-file"], "/raw"),
    ("a body past 1 MiB gets Expect: 100-continue", ["--data-binary", "@big.dat"], "/big"),
    ("userinfo, dot segments, query, fragment", [], "USERINFO"),
]


def url_for(port, path):
    if path == "USERINFO":
        return "http://u%%40x:p%%3Aw@127.0.0.1:%d/a/./b/../c/?q=1&r=%%20#frag" % port
    return "http://127.0.0.1:%d%s" % (port, path)


def test_send_url_with_curl_flags_sends_what_curl_sends(tmp):
    need_curl()
    data_files(tmp)
    for name, flags, path in COMBINATIONS:
        by_curl, by_rawhttp = captures(tmp, [
            lambda port: curl(flags + [url_for(port, path)], cwd=tmp),
            lambda port: send([url_for(port, path)] + flags + ["--expect100-timeout", "0.2"], cwd=tmp),
        ])
        h.check(b"User-Agent: curl/" in by_curl or "-A" in flags, "%s: curl sent its User-Agent" % name)
        h.eq(by_rawhttp, without_curls_own(by_curl), "%s: rawhttp's bytes against curl's (minus its two)" % name)


def test_curl_headers_keeps_curls_own_two(tmp):
    need_curl()
    version = subprocess.run(["curl", "--version"], stdout=subprocess.PIPE).stdout.split()[1].decode()
    h.check(version == "7.88.1", "rawhttp writes curl 7.88.1's User-Agent; this curl is %s" % version)
    for flags in ([], ["-d", "a=1", "-H", "X: y"]):
        by_curl, by_rawhttp = captures(tmp, [
            lambda port: curl(flags + ["http://127.0.0.1:%d/k" % port]),
            lambda port: send(["http://127.0.0.1:%d/k" % port, "--curl-headers"] + flags),
        ])
        h.eq(by_rawhttp, by_curl, "--curl-headers %s: exactly curl's bytes" % flags)


def test_ipv6_url(tmp):
    need_curl()
    try:
        by_curl, by_rawhttp = captures(tmp, [
            lambda port: curl(["-H", "X: 6", "http://[::1]:%d/v6?x=1" % port]),
            lambda port: send(["http://[::1]:%d/v6?x=1" % port, "-H", "X: 6"]),
        ], where="[::1]:0")
    except AssertionError as e:
        if "did not start" in str(e) and not h.IN_CI:
            raise h.Skip("no IPv6 loopback here")
        raise
    h.check(b"Host: [::1]:" in by_curl, "curl's Host: %r" % by_curl)
    h.eq(by_rawhttp, without_curls_own(by_curl), "IPv6 URL")


def test_the_composed_req_is_shown_and_saved(tmp):
    saved = os.path.join(tmp, "made.req")
    rc, out, err = h.run(["compose", "http://127.0.0.1:9/p?q", "-X", "PUT", "-H", "X-A: 1", "-d", "v=1",
                          "--save-req", saved])
    h.eq(rc, 0, "compose exit (%r)" % err)
    h.check(b"note: the request, as a .req (written to " in err and b"note:   PUT /p?q HTTP/1.1" in err and
            b"note:   X-A: 1" in err, "the note shows the .req: %r" % err)
    text = open(saved, "rb").read()
    h.check(b"@target = 127.0.0.1:9\n" in text and b"PUT /p?q HTTP/1.1\nHost: 127.0.0.1:9\nX-A: 1\n" in text,
            "the saved .req is plain text: %r" % text)
    rc2, out2, err2 = h.run(["compose", saved])
    h.eq(out2, out, "the saved .req composes to the same bytes")
    h.eq(out, b"PUT /p?q HTTP/1.1\r\nHost: 127.0.0.1:9\r\nX-A: 1\r\nContent-Length: 3\r\n"
              b"Content-Type: application/x-www-form-urlencoded\r\n\r\nv=1", "the bytes")
    # https: @tls and the port in @target; the Host header without the scheme's own port.
    rc, out, err = h.run(["compose", "https://Example.test/x", "--json"])
    h.eq(rc, 0, "compose https URL (%r)" % err)
    import json
    req = json.loads(out)["requests"][0]
    h.check(req["tls"] is True and req["text"].startswith("GET /x HTTP/1.1\r\nHost: Example.test\r\n"),
            "https URL: %r" % req)
    # lint takes a URL too, and judges the bytes curl would send.
    rc, out, err = h.run(["lint", "http://127.0.0.1:9/", "-H", "X-Bad : 1"])
    h.eq(rc, 1, "lint exit for a header with a space before its colon")
    h.check(b"space-before-colon" in out, "lint's finding: %r" % out)
    # --json alone before the URL is JSON output, after it with a value a JSON body.
    rc, out, err = h.run(["compose", "--json", "http://127.0.0.1:9/j"])
    h.check(rc == 0 and out.startswith(b"{"), "compose --json URL: JSON output (%r)" % out[:80])
    rc, out, err = h.run(["compose", "http://127.0.0.1:9/j", "--json", "[1]", "--raw"])
    h.check(rc == 0 and out.endswith(b"\r\n\r\n[1]") and b"Content-Type: application/json" in out,
            "compose URL --json DATA: a JSON body (%r)" % out)


def test_mistakes_are_usage_errors(tmp):
    cases = [
        (["send", "ftp://127.0.0.1/x"], b"scheme 'ftp'"),
        (["send", "http://127.0.0.1:8080/a b"], b"space"),
        (["send", "http://127.0.0.1:99999/"], b"port"),
        (["send", "http:///nohost"], b"names no host"),
        (["compose", "get-local.req", "-d", "a=1"], b"go with a URL"),
        (["compose", "get-local.req", "--json", "{}"], b"goes with a URL"),
        (["send", "http://127.0.0.1:9/", "-u", "alice"], b"has no password"),
        (["send", "http://127.0.0.1:9/", "-b", "cookies.txt"], b"has no '='"),
        (["send", "http://127.0.0.1:9/", "-d", "@no-such-file"], b"cannot read the data file"),
        (["import", "curl", "curl -F a=b http://127.0.0.1/"], b"'-F'"),
        (["import", "curl", "curl --proxy http://p:1 http://127.0.0.1/"], b"'--proxy'"),
        (["import", "curl", "curl 'unclosed http://127.0.0.1/"], b"never closed"),
        (["import", "curl", "curl -H \"X: $TOKEN\" http://127.0.0.1/"], b"does not run the shell"),
        (["import", "curl", "curl -s"], b"no URL"),
        (["import", "wget", "http://x/"], b"import curl"),
    ]
    for args, words in cases:
        rc, out, err = h.run(args, cwd=tmp)
        h.eq(rc, 2, "exit for %s (%r)" % (args, err))
        h.check(words in err, "%s: message %r has %r" % (args, words, err))
        h.check(b"Traceback" not in err and len(out) == 0, "%s: nothing on stdout" % (args,))


IMPORTS = [
    "curl -X POST -H 'Content-Type: application/json' -d '{\"a\": 1}' URL/api",
    "curl -sS -L \\\n  -H \"X-Quote: it's \\\"q\\\"\" \\\n  --data-binary @bin.dat URL/bin",
    "curl $'URL/esc' -H $'X-Tab:\\ta\\x41' -u bob:pw -A 'my agent' -b 'k=v'",
    "curl -G -d a=1 --data-urlencode 'q=a b&c' URL/search --compressed",
    "curl 'URL/x' -H 'accept: application/json' -H 'Referer: URL/' --json @form.txt -o out.json",
    "curl -XDELETE -HX-One:1 URL/d -e URL/from",
]


def test_import_curl_round_trips_to_curls_bytes(tmp):
    need_curl()
    data_files(tmp)
    for i, template in enumerate(IMPORTS):
        req = os.path.join(tmp, "imp%d.req" % i)

        def by_curl(port):
            command = template.replace("URL", "http://127.0.0.1:%d" % port)
            p = subprocess.run(["bash", "-c", command + " -s -o /dev/null -m 10"], cwd=tmp, timeout=20,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            h.eq(p.returncode, 0, "bash -c %r (%r)" % (command, p.stderr))

        def imported(port):
            command = template.replace("URL", "http://127.0.0.1:%d" % port)
            rc, out, err = h.run(["import", "curl", command, "-o", req], cwd=tmp)
            h.eq(rc, 0, "import curl %r (%r)" % (command, err))
            send([req], cwd=tmp)

        got_curl, got_import = captures(tmp, [by_curl, imported])
        h.eq(got_import, without_curls_own(got_curl), "import of %r" % template)
    # Unquoted words after -- are taken as they are.
    rc, out, err = h.run(["import", "curl", "--", "curl", "-H", "X: 1", "http://127.0.0.1:9/w"])
    h.check(rc == 0 and b"GET /w HTTP/1.1\nHost: 127.0.0.1:9\nX: 1\n" in out, "import curl -- words: %r %r" % (out, err))
    h.check(b"dropped -s -S -L" not in err, "no dropped note without such options")


CURL_COMMAND_REQS = {
    "json.req": "POST /api HTTP/1.1\nHost: {{host}}\nContent-Type: application/json\nContent-Length: "
                "{{content_length}}\n\n{\"it's\": \"a \\\\ b\"}",
    "binary.req": "PUT /up HTTP/1.1\nHost: {{host}}\nContent-Length: 5\n\n{{hex:00ff0d0a41}}",
    "long.req": "POST /long HTTP/1.1\nHost: {{host}}\nContent-Length: {{content_length}}\n\n" + "word " * 300,
    "dots.req": "GET /a/../b/./c?x=1 HTTP/1.1\nHost: {{host}}\nUser-Agent: mine\nAccept: text/html\n\n",
    "star.req": "OPTIONS * HTTP/1.1\nHost: {{host}}\nX-Empty:\n\n",
    "nohost.req": "GET /nohost HTTP/1.0\nX-A:  two  spaces\n\n",
    "head.req": "HEAD /h HTTP/1.1\nHost: other.example\nConnection: close\n\n",
    "nobody-post.req": "DELETE /thing HTTP/1.1\nHost: {{host}}\nAuthorization: Bearer t\n\n",
}


def test_compose_curl_command_reproduces_the_bytes(tmp):
    need_curl()
    for name, text in CURL_COMMAND_REQS.items():
        path = h.write_req(tmp, text, name)
        commands = {}

        def pasted(port):
            to = "127.0.0.1:%d" % port
            rc, out, err = h.run(["compose", name, "--curl-command", "--to", to, "--var", "host=" + to], cwd=tmp)
            h.eq(rc, 0, "%s: compose --curl-command exit (%r)" % (name, err))
            commands[name] = out.decode().strip()
            h.check(out.count(b"\n") == 1 and out.startswith(b"curl "), "%s: one command: %r" % (name, out))
            p = subprocess.run(["bash", "-c", commands[name] + " -s -o /dev/null -m 10"], cwd=tmp, timeout=20,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            h.eq(p.returncode, 0, "%s: curl ran %r (%r)" % (name, commands[name], p.stderr))

        def by_rawhttp(port):
            to = "127.0.0.1:%d" % port
            send([name, "--to", to, "--var", "host=" + to], cwd=tmp)

        got_curl, got_rawhttp = captures(tmp, [pasted, by_rawhttp])
        h.eq(got_curl, got_rawhttp, "%s: what the printed command made curl send (%s)" % (name, commands[name]))
        if name in ("binary.req", "long.req"):
            h.check("@%s-curl-body.bin" % name[:-4] in commands[name], "%s: the body file is named" % name)
        if name == "json.req":
            h.check("--data-binary $'" in commands[name], "a short printable body goes inline: %s" % commands[name])
        if name == "dots.req":
            h.check("--path-as-is" in commands[name], "dot segments kept: %s" % commands[name])
        if name == "star.req":
            h.check("--request-target '*'" in commands[name], "asterisk target: %s" % commands[name])


def test_curl_command_names_a_body_file_too_large_to_hold(tmp):
    need_curl()
    import hashlib
    with open(os.path.join(tmp, "big.bin"), "wb") as f:
        f.write(os.urandom(1 << 20) * 65)  # past the 64 MiB a {{file:}} is held up to: streamed from disk
    h.write_req(tmp, "PUT /big HTTP/1.1\nHost: {{host}}\nContent-Length: {{content_length}}\n\n{{file:big.bin}}",
                "big.req")
    command = {}

    def pasted(port):
        to = "127.0.0.1:%d" % port
        rc, out, err = h.run(["compose", "big.req", "--curl-command", "--to", to, "--var", "host=" + to], cwd=tmp)
        h.eq(rc, 0, "compose --curl-command (%r)" % err)
        command["c"] = out.decode().strip()
        h.check(command["c"].endswith("--data-binary @./big.bin http://%s/big" % to) or
                "--data-binary @big.bin" in command["c"], "the file is named as it is: %s" % command["c"])
        p = subprocess.run(["bash", "-c", command["c"] + " -s -o /dev/null -m 60"], cwd=tmp, timeout=90,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        h.eq(p.returncode, 0, "curl ran %s (%r)" % (command["c"], p.stderr))

    def by_rawhttp(port):
        to = "127.0.0.1:%d" % port
        send(["big.req", "--to", to, "--var", "host=" + to], cwd=tmp)

    got_curl, got_rawhttp = captures(tmp, [pasted, by_rawhttp])
    h.check(len(got_rawhttp) > 65 << 20, "the whole body arrived: %d bytes" % len(got_rawhttp))
    h.eq(len(got_curl), len(got_rawhttp), "sizes")
    h.eq(hashlib.sha256(got_curl).hexdigest(), hashlib.sha256(got_rawhttp).hexdigest(), "the 65 MiB request's sha256")


def test_no_curl_command_where_curl_cannot_send_it(tmp):
    cases = {
        "bare-lf.req": ("@eol = lf\nGET / HTTP/1.1\nHost: x\n\n", b"bare LF"),
        "host-second.req": ("GET / HTTP/1.1\nX: 1\nHost: x\n\n", b"Host first"),
        "host-lower.req": ("GET / HTTP/1.1\nhost: x\n\n", b"spelt 'host'"),
        "chunked.req": ("POST / HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n3\r\nabc\r\n0\r\n\r\n", b"chunked"),
        "blank-value.req": ("GET / HTTP/1.1\nHost: x\nX: {{SP}}\n\n", b"only blanks"),
        "nul.req": ("GET / HTTP/1.1\nHost: x\nX: a{{NUL}}b\n\n", b"NUL"),
        "spaces.req": ("GET  / HTTP/1.1\nHost: x\n\n", b"single spaces"),
    }
    for name, (text, why) in cases.items():
        h.write_req(tmp, text, name)
        rc, out, err = h.run(["compose", name, "--curl-command", "--to", "127.0.0.1:9"], cwd=tmp)
        h.eq(rc, 1, "%s: exit (%r)" % (name, err))
        h.eq(out, b"", "%s: no command printed" % name)
        h.check(b"no curl command" in err and why in err, "%s: the note says why: %r" % (name, err))


def test_compare_prints_a_curl_command_that_sends_the_request(tmp):
    need_curl()
    for name, text in (("c.req", "POST /cmp HTTP/1.1\nHost: {{host}}\nX-A: 1\nContent-Length: {{content_length}}\n"
                                 "\nname=alice&city=Z{{hex:c3bc}}rich\n\n"),
                       ("d.req", "PUT /cmp HTTP/1.1\nHost: {{host}}\nContent-Length: 3\n\n{{hex:00ff0a}}")):
        h.write_req(tmp, text, name)
        saved = os.path.join(tmp, "cap.req")
        if os.path.exists(os.path.join(tmp, "listen.port")):
            os.unlink(os.path.join(tmp, "listen.port"))
        with Listen(tmp, "--save", saved, "--max-clients", "1") as ls:
            to = "127.0.0.1:%d" % ls.port
            rc, out, err = h.run(["compare", name, "--to", to, "--var", "host=" + to, "--json"], cwd=tmp)
            h.check(rc in (0, 1), "%s: compare exit %d (%r)" % (name, rc, err))
            import json
            doc = json.loads(out)
            command = doc["exchanges"][0]["requests"]["curl_command"]
            h.check(command.startswith("curl ") and "body.bin" not in command.replace(name[:-4] + "-curl-body.bin", ""),
                    "%s: the command: %s" % (name, command))
            p = subprocess.run(["bash", "-c", command + " -s -o /dev/null -m 10"], cwd=tmp, timeout=20,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            h.eq(p.returncode, 0, "%s: curl ran %r (%r)" % (name, command, p.stderr))
            ls.stop()
        rc, rawhttp_side, _ = h.run(["compose", saved])
        rc, pasted, _ = h.run(["compose", os.path.join(tmp, "cap-3.req")])
        h.eq(pasted, rawhttp_side, "%s: the pasted compare command sent the request's bytes (%s)" % (name, command))
        for f in ("cap.req", "cap-2.req", "cap-3.req"):
            os.unlink(os.path.join(tmp, f))


class TlsCapture:
    """A one-thread TLS server on 127.0.0.1 (Python's ssl, certificate for
    localhost): for each connection, keeps the bytes received until the client
    is quiet for 300 ms, answers 200 with Connection: close."""

    def __init__(self, cert, key):
        import socket
        import ssl
        import threading
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.got = []
        self.done = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        import socket
        while not self.done:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            data = b""
            try:
                conn.settimeout(10)
                tls = self.ctx.wrap_socket(conn, server_side=True)
                tls.settimeout(0.3)
                try:
                    while True:
                        chunk = tls.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                except (socket.timeout, OSError):
                    pass
                tls.settimeout(5)
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                tls.close()
            except OSError:
                conn.close()
            self.got.append(data)

    def stop(self):
        self.done = True
        self.thread.join(5)
        self.sock.close()


def test_https_url_and_curl_command_over_tls(tmp):
    need_curl()
    ca, cert, key = h.make_tls_cert(tmp)
    server = TlsCapture(cert, key)
    try:
        url = "https://localhost:%d/secure?x=1" % server.port
        flags = ["-H", "X-A: 1", "--json", '{"t":1}', "-u", "me:pw"]
        curl(["--cacert", ca] + flags + [url])
        send([url, "--cacert", ca] + flags)
        # The same bytes, as a .req sent to 127.0.0.1, and the curl command printed for it.
        req = h.write_req(tmp, "POST /tls HTTP/1.1\nHost: localhost:%d\nContent-Length: 5\n\n{{hex:00010203ff}}"
                          % server.port, "tls.req")
        to = ["--to", "127.0.0.1:%d" % server.port, "--tls"]
        rc, out, err = h.run(["compose", req, "--curl-command"] + to, cwd=tmp)
        h.eq(rc, 0, "compose --curl-command (%r)" % err)
        command = out.decode().strip()
        h.check(command.startswith("curl --http1.1 ") and "--connect-to ::127.0.0.1:%d" % server.port in command and
                "https://localhost:%d/tls" % server.port in command, "the TLS command: %s" % command)
        p = subprocess.run(["bash", "-c", command + " --cacert " + shlex.quote(ca) + " -s -o /dev/null -m 10"],
                           cwd=tmp, timeout=20, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        h.eq(p.returncode, 0, "curl ran %s (%r)" % (command, p.stderr))
        send([req, "--cacert", ca] + to, cwd=tmp)
    finally:
        server.stop()
    h.eq(len(server.got), 4, "four TLS connections")
    h.check(b"Host: localhost:%d\r\n" % server.port in server.got[0], "curl's request: %r" % server.got[0])
    h.eq(server.got[1], without_curls_own(server.got[0]), "https URL: rawhttp's bytes against curl's")
    h.check(server.got[3].startswith(b"POST /tls HTTP/1.1\r\nHost: localhost:") and
            server.got[3].endswith(b"\r\n\r\n\x00\x01\x02\x03\xff"), "rawhttp's TLS request: %r" % server.got[3])
    h.eq(server.got[2], server.got[3], "the printed TLS curl command sent the request's bytes")


def test_help_shows_the_url_form(tmp):
    for cmd, words in (("send", [b"http://127.0.0.1:8080/echo -H", b"--save-req", b"--data-binary"]),
                       ("compose", [b"--curl-command", b"--save-req"]),
                       ("import", [b"import curl", b"--curl-headers", b"-o,--output"])):
        rc, out, err = h.run([cmd, "--help"])
        h.eq(rc, 0, "%s --help" % cmd)
        for w in words:
            h.check(w in out, "%s --help mentions %r" % (cmd, w))


if __name__ == "__main__":
    h.main(globals())
