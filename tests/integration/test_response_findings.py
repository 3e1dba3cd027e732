"""The rule book applied to what a server sent: each response finding of the
judging-servers issue, from a scripted loopback server, in `send --json`
(response.findings) and in the terminal's findings section; a clean response
has none."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

DATE = b"Date: Tue, 01 Dec 2026 10:00:00 GMT\r\n"

# name: (response bytes, request method, the finding ids expected, exit code)
CASES = {
    "clean": (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 2\r\n\r\nhi", "GET", [], 0),
    "cl-with-te": (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"5\r\nhello\r\n0\r\n\r\n", "GET", ["content-length-with-transfer-encoding"], 0),
    "cl-conflict": (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                    "GET", ["content-length-conflict"], 8),
    "cl-list": (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 5, 5\r\n\r\nhello", "GET",
                ["content-length-repeated"], 0),
    "bare-lf-head": (b"HTTP/1.1 200 OK\n" + DATE + b"Content-Length: 2\n\nhi", "GET", ["bare-lf"], 0),
    "bare-cr-head": (b"HTTP/1.1 200 OK\r\n" + DATE + b"X: a\rb\r\nContent-Length: 2\r\n\r\nhi", "GET",
                     ["bare-cr"], 8),
    "bare-lf-chunk": (b"HTTP/1.1 200 OK\r\n" + DATE + b"Transfer-Encoding: chunked\r\n\r\n2\nhi\r\n0\r\n\r\n",
                      "GET", ["chunked-bare-lf"], 0),
    "chunk-size-space": (b"HTTP/1.1 200 OK\r\n" + DATE + b"Transfer-Encoding: chunked\r\n\r\n2 \r\nhi\r\n0\r\n\r\n",
                         "GET", ["chunked-size-whitespace"], 0),
    "obs-fold": (b"HTTP/1.1 200 OK\r\n" + DATE + b"X: a\r\n b\r\nContent-Length: 2\r\n\r\nhi", "GET",
                 ["obs-fold"], 0),
    "status-600": (b"HTTP/1.1 600 Odd\r\n" + DATE + b"Content-Length: 2\r\n\r\nhi", "GET", ["status-code-range"], 0),
    "204-with-cl": (b"HTTP/1.1 204 No Content\r\n" + DATE + b"Content-Length: 2\r\n\r\n", "GET",
                    ["content-length-forbidden"], 0),
    "103-with-te": (b"HTTP/1.1 103 Early Hints\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 2\r\n\r\nhi", "GET",
                    ["transfer-encoding-forbidden"], 0),
    "304-then-body": (b"HTTP/1.1 304 Not Modified\r\n" + DATE + b"\r\n<html>stale</html>", "GET",
                      ["body-not-allowed"], 0),
    "head-then-body": (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 5\r\n\r\nhello", "HEAD",
                       ["body-not-allowed"], 0),
    "bytes-after-end": (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 2\r\n\r\nhi and more", "GET",
                        ["body-extra-bytes"], 0),
    "no-final-crlf": (b"HTTP/1.1 200 OK\r\n" + DATE + b"Transfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n", "GET",
                      ["chunked-incomplete"], 18),
    "no-date": (b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno", "GET", ["date-missing"], 0),
    "close-delimited-keep-alive": (b"HTTP/1.1 200 OK\r\n" + DATE + b"\r\nuntil the close", "GET",
                                   ["body-close-delimited"], 0),
    "close-delimited-with-close": (b"HTTP/1.1 200 OK\r\n" + DATE + b"Connection: close\r\n\r\nuntil the close", "GET",
                                   [], 0),
}


def send(tmp, response, method, extra=()):
    with h.ScriptedServer([response]) as srv:
        req = h.write_req(tmp, "%s / HTTP/1.1\nHost: 127.0.0.1:%d\n\n" % (method, srv.port))
        return h.run(["send", req, "--max-time", "5"] + list(extra))


def test_each_finding_in_json(tmp):
    problems = []
    for name, (response, method, want, want_rc) in CASES.items():
        with h.ScriptedServer([response]) as srv:
            req = h.write_req(tmp, "%s / HTTP/1.1\nHost: 127.0.0.1:%d\n\n" % (method, srv.port))
            rc, doc, err = h.run_json(["send", req, "--max-time", "5"])
        ex = doc["exchanges"][0]
        findings = ex["response"]["findings"] if ex["response"] else []
        got = [f["id"] for f in findings]
        # An error found before the head was complete leaves no response: the error names its rule.
        if not findings and ex["error"] and ex["error"].get("rule"):
            got = [ex["error"]["rule"]]
        if got != want or rc != want_rc:
            problems.append("%s: findings %s (want %s), exit %d (want %d)" % (name, got, want, rc, want_rc))
        for f in findings:
            if not (f["rfc"].startswith("RFC ") and f["message"] and f["severity"] in ("error", "warning")):
                problems.append("%s: incomplete finding %s" % (name, f))
            if f["id"] != "status-code-range" and not f["risk"]:
                problems.append("%s: %s names no risk" % (name, f["id"]))
    h.check(not problems, "\n".join(problems))


def test_findings_section_in_the_terminal_view(tmp):
    rc, out, err = send(tmp, CASES["cl-with-te"][0], "GET")
    text = out.decode()
    h.eq(rc, 0, "exit")
    h.check("findings on the response (1" in text, "a findings section:\n" + text)
    h.check("[content-length-with-transfer-encoding]" in text and "RFC 9112 §6.1" in text,
            "the rule id and its RFC section:\n" + text)
    h.check("risk: smuggling" in text, "what it risks:\n" + text)
    h.check("line 3, column 1" in text, "where in the raw response (the Content-Length line):\n" + text)
    # the bytes after a 304 are named, escaped, and the section says so
    rc, out, err = send(tmp, CASES["304-then-body"][0], "GET")
    text = out.decode()
    h.check("[body-not-allowed]" in text and '"<html>stale</html>"' in text, "the extra bytes, quoted:\n" + text)


def test_a_clean_response_has_no_findings_section(tmp):
    rc, out, err = send(tmp, CASES["clean"][0], "GET")
    h.eq(rc, 0, "exit")
    h.check(b"findings" not in out, "no findings section for a clean response:\n" + out.decode())


def test_show_names_the_findings_section(tmp):
    rc, out, err = send(tmp, CASES["no-date"][0], "GET", ["--show", "findings"])
    text = out.decode()
    h.eq(rc, 0, "exit")
    h.check("[date-missing]" in text, "--show findings shows it:\n" + text)
    h.check("raw response" not in text and "parsed" not in text, "and only it:\n" + text)
    rc, out, err = send(tmp, CASES["no-date"][0], "GET", ["--show", "raw,parsed"])
    h.check(b"date-missing" not in out, "a --show list without findings hides them:\n" + out.decode())
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1:9\n\n")
    rc, out, err = h.run(["send", req, "--show", "nonsense"])
    h.eq(rc, 2, "an unknown section is a usage error")
    h.check(b"findings" in err, "the message lists findings among the sections: %r" % err)


def test_extra_bytes_end_the_connection(tmp):
    # Two requests to a server that sends bytes after each response: the
    # second goes on a new connection, not read from the first's leftovers.
    resp = b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 2\r\n\r\nhiHTTP/1.1 200 OK\r\n\r\n"
    with h.ScriptedServer([resp], connections=2) as srv:
        req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1:%d\n\n###\nGET /2 HTTP/1.1\nHost: 127.0.0.1:%d\n\n"
                          % (srv.port, srv.port))
        rc, doc, err = h.run_json(["send", req, "--max-time", "5"])
    h.eq(rc, 0, "exit")
    ex = doc["exchanges"]
    h.eq(len(ex), 2, "two exchanges")
    for e in ex:
        h.eq(e["error"], None, "each read cleanly")
        h.eq([f["id"] for f in e["response"]["findings"]], ["body-extra-bytes"], "each names the extra bytes")
    h.eq(ex[1]["connection"]["reused"], False, "the second opened a new connection")
    h.eq(len(srv.received), 2, "two connections")


if __name__ == "__main__":
    h.main(globals())
