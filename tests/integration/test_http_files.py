"""`.http` and `.rest` files (VS Code REST Client, JetBrains HTTP Client):
every fixture of tests/fixtures/http-files composes and sends as the editors
send it (the requests written out by hand in expected.json), over real
loopback sockets to a recording server and to `rawhttp serve`; a named-response
chain (login -> token -> authorised GET) runs against a small scripted server."""
import json
import os
import re
import shutil
import socket
import threading
import time

import harness as h

FIXTURES = os.path.join(h.SOURCE_DIR, "tests", "fixtures", "http-files")
ENV = {"RAWHTTP_TEST_TOKEN": "token-from-env"}
PLACEHOLDERS = {
    "<GUID>": r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    "<INT>": r"-?[0-9]+",
    "<TS>": r"[0-9]{10}",
    "<ISO>": r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z",
    "<RFC1123>": r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT",
    "<LEN>": r"(?P<len>[0-9]+)",
}


def expected():
    with open(os.path.join(FIXTURES, "expected.json")) as f:
        doc = json.load(f)
    doc.pop("_comment")
    return doc


def pattern(req):
    """The regex of one request's wire bytes, from its hand-written head lines and body."""
    def rx(text):
        out = re.escape(text)
        for k, v in PLACEHOLDERS.items():
            out = out.replace(re.escape(k), v)
        return out
    head = "".join(rx(line) + r"\r\n" for line in req["head"]) + r"\r\n"
    # A second <LEN> would repeat the group name: only heads carry it.
    return head + rx(req["body"]).replace("(?P<len>[0-9]+)", "[0-9]+")


def check_request(got, req, what):
    m = re.fullmatch(pattern(req), got, re.S)
    h.check(m, "%s: sent\n%r\nexpected the shape\n%r" % (what, got, req))
    if "len" in m.groupdict() and m.group("len") is not None:
        body = got.split("\r\n\r\n", 1)[1]
        h.eq(int(m.group("len")), len(body.encode()), "%s: Content-Length is the body's length" % what)


def copy_fixtures(tmp):
    d = os.path.join(tmp, "http-files")
    shutil.copytree(FIXTURES, d)
    return d


def test_every_fixture_composes_as_the_editors_send(tmp):
    cases = expected()
    h.check(len(cases) >= 15, "at least 15 real-world files (%d)" % len(cases))
    for name, reqs in cases.items():
        rc, out, err = h.run(["compose", os.path.join(FIXTURES, name), "--json"], env=ENV)
        h.eq(rc, 0, "compose %s (stderr %r)" % (name, err))
        doc = json.loads(out)
        h.eq(len(doc["requests"]), len(reqs), "%s: requests" % name)
        for i, (got, want) in enumerate(zip(doc["requests"], reqs)):
            check_request(got["text"], want, "%s request %d" % (name, i + 1))
            h.eq(got["tls"], want["tls"], "%s request %d: TLS from the URL's scheme" % (name, i + 1))


def test_every_fixture_sends_those_bytes_over_a_socket(tmp):
    for name, reqs in expected().items():
        with h.Recorder() as rec:
            rc, out, err = h.run(["send", os.path.join(FIXTURES, name), "--to", "127.0.0.1:%d" % rec.port,
                                  "--no-tls", "--json"], env=ENV)
            h.eq(rc, 0, "send %s (stderr %r)" % (name, err))
            deadline = time.monotonic() + 5
            want_heads = len(reqs)
            while rec.received.count(b"\r\n\r\n") < want_heads and time.monotonic() < deadline:
                time.sleep(0.02)
        got = rec.received.decode()
        # Split the recorded stream into the requests: each head, then its Content-Length of body.
        pos, sent = 0, []
        for _ in reqs:
            end = got.index("\r\n\r\n", pos) + 4
            m = re.search(r"\r\nContent-Length: ([0-9]+)\r\n", got[pos:end])
            end += int(m.group(1)) if m else 0
            sent.append(got[pos:end])
            pos = end
        h.eq(pos, len(got), "%s: nothing more than the requests arrived" % name)
        for i, (s, want) in enumerate(zip(sent, reqs)):
            check_request(s, want, "%s request %d, as received" % (name, i + 1))


def test_every_fixture_is_answered_by_the_practice_server(tmp):
    with h.PracticeServer() as srv:
        for name, reqs in expected().items():
            rc, out, err = h.run(["send", os.path.join(FIXTURES, name), "--to", srv.address, "--no-tls", "--json"],
                                 env=ENV)
            h.eq(rc, 0, "send %s to serve (stderr %r)" % (name, err))
            doc = json.loads(out)
            h.eq(len(doc["exchanges"]), len(reqs), "%s: exchanges" % name)
            for ex in doc["exchanges"]:
                h.check(ex["response"]["status"] < 500, "%s: serve answered %s" % (name, ex["response"]["status"]))


class ChainServer:
    """A keep-alive loopback server for the login chain: POST /login answers a
    token (unless `token` is None) and an X-Session header; GET /me checks the
    bearer token and answers the user; anything else 200 "ok". Records each
    request's head and body."""

    def __init__(self, token="tok-123"):
        self.token = token
        self.requests = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(10)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _answer(self, head, body):
        line = head.split("\r\n")[0]
        if line.startswith("POST /login "):
            doc = {"token": self.token} if self.token else {"error": "no token today"}
            return 200, {"X-Session": "s-77"}, json.dumps(doc)
        if line.startswith("GET /me "):
            if "\r\nAuthorization: Bearer %s\r\n" % self.token not in head + "\r\n":
                return 401, {}, "{}"
            return 200, {}, json.dumps({"user": {"id": 7, "name": "ann"}, "items": [{"id": 31}, {"id": 32}]})
        return 200, {}, "ok"

    def _serve(self):
        try:
            c, _ = self.sock.accept()
        except OSError:
            return
        c.settimeout(5)
        data = b""
        with c:
            while True:
                while b"\r\n\r\n" not in data:
                    try:
                        chunk = c.recv(65536)
                    except OSError:
                        return
                    if not chunk:
                        return
                    data += chunk
                head, data = data.split(b"\r\n\r\n", 1)
                head = head.decode()
                m = re.search(r"\r\nContent-Length: ([0-9]+)", head, re.I)
                n = int(m.group(1)) if m else 0
                while len(data) < n:
                    data += c.recv(65536)
                body, data = data[:n], data[n:]
                self.requests.append((head, body.decode()))
                status, headers, text = self._answer(head, body)
                extra = "".join("%s: %s\r\n" % kv for kv in headers.items())
                c.sendall(("HTTP/1.1 %d X\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n%s" %
                           (status, extra, len(text), text)).encode())

    def stop(self):
        self.sock.close()
        self.thread.join(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


def test_named_response_chain_login_token_authorised_get(tmp):
    with ChainServer() as srv:
        rc, out, err = h.run(["send", os.path.join(FIXTURES, "rest-client-named-chain.http"),
                              "--var", "base=http://127.0.0.1:%d" % srv.port, "--json"])
    h.eq(rc, 0, "the chain ran (stderr %r)" % err)
    h.eq(len(srv.requests), 3, "three requests on one connection")
    login, me, items = srv.requests
    h.check(login[0].startswith("POST /login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % srv.port), "login: %r" % login[0])
    h.eq(json.loads(login[1]), {"user": "ann", "password": "pw"}, "login body")
    h.check("\r\nAuthorization: Bearer tok-123" in me[0], "the token from the login body: %r" % me[0])
    h.check("\r\nX-Login-Status: 200" in me[0], "the login status: %r" % me[0])
    h.check("\r\nX-Session: s-77" in me[0], "the login's header: %r" % me[0])
    h.check(items[0].startswith("GET /users/7/items?first=31 HTTP/1.1\r\n"), "values from the second response: %r" % items[0])
    doc = json.loads(out)
    h.eq([e["response"]["status"] for e in doc["exchanges"]], [200, 200, 200], "statuses")


def test_chain_stops_before_a_request_it_cannot_fill(tmp):
    with ChainServer(token=None) as srv:
        rc, out, err = h.run(["send", os.path.join(FIXTURES, "rest-client-named-chain.http"),
                              "--var", "base=http://127.0.0.1:%d" % srv.port])
    h.eq(rc, 2, "exit 2 when a reference cannot be filled")
    h.eq(len(srv.requests), 1, "only the login was sent")
    msg = err.decode()
    h.check("rest-client-named-chain.http:12:" in msg, "names the line of the reference: %r" % msg)
    h.check("$ has no member 'token'" in msg and "this request was not sent" in msg, msg)
    h.check("requests 2-3 of 3 were not sent" in out.decode() + msg, "says what was not sent")


def test_compose_and_lint_show_references_unfilled(tmp):
    path = os.path.join(FIXTURES, "rest-client-named-chain.http")
    rc, out, err = h.run(["compose", path, "--raw"])
    h.eq(rc, 0, "compose (stderr %r)" % err)
    h.check(b"Authorization: Bearer {{login.response.body.$.token}}\r\n" in out, "unfilled: %r" % out)
    h.check(b"waits for the response to request 1 'login' (line 5)" in err, "says which request: %r" % err)
    rc, out, err = h.run(["lint", path])
    h.check(rc in (0, 1), "lint runs (rc %d, %r)" % (rc, err))
    h.check(b"waits for the response to request 2 'me'" in out + err, "lint says it too: %r" % (out + err))


def test_lint_points_at_the_lines_of_the_http_file(tmp):
    path = h.write_req(tmp, "GET http://127.0.0.1/\n# a comment\nX-Ok: 1\nBad Header: v\n", "t.http")
    rc, out, err = h.run(["lint", path, "--json"])
    h.eq(rc, 1, "lint finds the error (stderr %r)" % err)
    lines = [f["line"] for f in json.loads(out)["findings"] if f["severity"] == "error"]
    h.eq(lines, [4], "the bad header's line in the .http file")


def test_references_are_checked_before_anything_is_sent(tmp):
    with h.Recorder() as rec:
        for text, why in [
            ("GET http://127.0.0.1/\n\n###\nGET http://127.0.0.1/?t={{nobody.response.status}}\n", "no request has '# @name nobody'"),
            ("GET http://127.0.0.1/?t={{later.response.status}}\n\n###\n# @name later\nGET http://127.0.0.1/\n",
             "not sent before this one"),
            ("# @name a\nGET http://127.0.0.1/\n\n###\nGET http://127.0.0.1/?t={{a.response.body.$.x[}}\n", "bad JSONPath"),
        ]:
            path = h.write_req(tmp, text, "t.http")
            rc, out, err = h.run(["send", path, "--to", "127.0.0.1:%d" % rec.port])
            h.eq(rc, 2, "exit for %r" % text)
            h.check(why.encode() in err and b"t.http:" in err, "%r: %r" % (why, err))
        time.sleep(0.2)
        h.eq(rec.connections, 0, "nothing was sent")


def test_jetbrains_scripts_are_errors_naming_the_line(tmp):
    for text, line in [
        ("GET http://127.0.0.1/\n\n> {%\n    client.global.set('t', response.body.token);\n%}\n", 3),
        ("< {% request.variables.set('id', 1) %}\nGET http://127.0.0.1/\n", 1),
        ("POST http://127.0.0.1/\n\n{}\n\n>> out.json\n", 5),
    ]:
        path = h.write_req(tmp, text, "t.http")
        rc, out, err = h.run(["send", path])
        h.eq(rc, 2, "exit for %r" % text)
        h.check(("t.http:%d:1:" % line).encode() in err, "names line %d: %r" % (line, err))


def test_a_heading_line_that_splits_a_body_gets_a_note(tmp):
    rc, out, err = h.run(["compose", os.path.join(FIXTURES, "body-split-heading.http"), "--json"])
    h.eq(rc, 0, "compose (stderr %r)" % err)
    doc = json.loads(out)
    h.eq(len(doc["requests"]), 2, "### splits the file")
    h.check(doc["requests"][0]["text"].endswith("\r\n\r\n# Notes"), "the body ends before ###: %r" % doc["requests"][0]["text"])
    h.check(any("line 5: '### Tuesday' ends this request's body" in n for n in doc["requests"][0]["notes"]),
            "the note: %r" % doc["requests"][0]["notes"])


def test_the_notes_say_each_change(tmp):
    rc, out, err = h.run(["compose", os.path.join(FIXTURES, "rest-client-url-only.http"), "--raw"])
    h.eq(rc, 0, "compose")
    e = err.decode()
    h.check("the URL https://example.com/comments/1 is sent as the target /comments/1, with Host: example.com, over TLS" in e, e)
    h.check("no HTTP version: HTTP/1.1 added" in e and "no method: GET" in e, e)


def test_req_files_keep_their_own_rules(tmp):
    path = h.write_req(tmp, "GET http://example.com/ HTTP/1.1\nHost: example.com\n\n", "t.req")
    rc, out, err = h.run(["compose", path, "--raw"])
    h.eq(rc, 0, "compose")
    h.eq(out, b"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n", "the .req is sent as written")
    path = h.write_req(tmp, "GET {{$guid}} HTTP/1.1\nHost: x\n\n", "u.req")
    rc, out, err = h.run(["compose", path])
    h.eq(rc, 2, "a system variable is unknown in a .req")


def test_a_hurl_file_sent_says_to_import_it(tmp):
    path = h.write_req(tmp, "GET http://127.0.0.1/\nHTTP 200\n[Asserts]\njsonpath \"$.a\" == 1\n", "t.hurl")
    rc, out, err = h.run(["send", path])
    h.eq(rc, 2, "exit")
    h.check(b"is a Hurl file" in err and b"rawhttp import" in err, "%r" % err)
    h.check(b"header" not in err.lower(), "no header errors: %r" % err)


if __name__ == "__main__":
    h.main(globals())
