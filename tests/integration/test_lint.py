"""rawhttp lint: exit codes and --json, and its predictions against real servers.

Every gallery request is composed by rawhttp and sent, byte for byte, to real
nginx and to Node's strict http server on 127.0.0.1. What each answers (a
status, "timeout" when it waits past READ_TIMEOUT, "close" when it closes
without answering) is compared with requests/verdicts.json, and lint must
agree: where both reject, an error that predicts one of the statuses; where
they differ, a finding that names the server that rejects; where both accept,
no error.

Regenerate the verdicts after a server upgrade or a new gallery file with
    RAWHTTP_UPDATE_VERDICTS=1 ctest --test-dir build -R test_lint
and review the diff of requests/verdicts.json.
"""
import glob
import json
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

GALLERY = os.path.join(h.SOURCE_DIR, "requests")
VERDICTS = os.path.join(GALLERY, "verdicts.json")
READ_TIMEOUT = 2.0  # long enough for a loaded machine; a server that waits longer "times out"
SERVER_NAMES = {"nginx": "nginx", "node": "Node"}


def gallery_files():
    return sorted(glob.glob(os.path.join(GALLERY, "*.req")))


def compose(path, port):
    rc, out, err = h.run(["compose", path, "--var", "port=%d" % port], timeout=20)
    h.eq(rc, 0, "compose %s exit (%s)" % (os.path.basename(path), err))
    return out if isinstance(out, bytes) else out.encode("latin-1")


def first_status(port, data):
    """Sends `data` to 127.0.0.1:port; returns the first response's status,
    "timeout" or "close"."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        s.sendall(data)
        s.settimeout(READ_TIMEOUT)
        got = b""
        deadline = time.monotonic() + READ_TIMEOUT
        while b"\n" not in got and time.monotonic() < deadline:
            try:
                chunk = s.recv(4096)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            got += chunk
        m = re.match(rb"HTTP/\d\.\d (\d{3})", got)
        if m:
            return m.group(1).decode()
        if got:
            return "garbage"
        return "timeout" if time.monotonic() >= deadline - 0.05 else "close"
    finally:
        s.close()


def rejects(status):
    return status in ("timeout", "close", "garbage") or int(status) >= 400


# probe's answers in the words of verdicts.json (the first status of a body test's "200,close").
PROBE_WORDS = {"not-http": "garbage", "reset": "close"}


def observe():
    """{file name: {"nginx": status, "node": status}} for every gallery file,
    from `rawhttp probe --req` against both servers (the regeneration switch
    records what it says)."""
    files = gallery_files()
    with h.Nginx() as ngx, h.NodeServer() as node:
        args = ["probe", "127.0.0.1:%d" % ngx.port, "127.0.0.1:%d" % node.port, "--idle-timeout", str(READ_TIMEOUT)]
        for path in files:
            args += ["--req", path]
        rc, doc, err = h.run_json(args, timeout=120)
    h.check(rc in (0, 1), "probe exit %d (%r)" % (rc, err))
    observed = {}
    for server, target in zip(("nginx", "node"), doc["targets"]):
        for t in target["tests"]:
            if t["category"] != "file":
                continue
            name, _, k = t["id"].partition("#")  # a file of several requests: its first one's answer
            if k not in ("", "1"):
                continue
            first = t["status"].split(",")[0]
            observed.setdefault(name, {})[server] = PROBE_WORDS.get(first, first)
    h.eq(sorted(observed), sorted(os.path.basename(p) for p in files), "a verdict per gallery file")
    return observed


def server_versions():
    import subprocess
    try:
        p = subprocess.run(["nginx", "-v"], stderr=subprocess.PIPE, stdout=subprocess.PIPE, timeout=10)
        nginx_v = p.stderr.decode().strip().split("/")[-1]
    except OSError:
        nginx_v = "?"
    try:
        p = subprocess.run(["node", "--version"], stdout=subprocess.PIPE, timeout=10)
        node_v = p.stdout.decode().strip()
    except OSError:
        node_v = "?"
    return {"nginx": nginx_v, "node": node_v}


def lint_json(path, port=8080):
    rc, doc, err = h.run_json(["lint", path, "--var", "port=%d" % port])
    h.check(rc in (0, 1), "lint %s exit %d (%s)" % (os.path.basename(path), rc, err))
    return rc, doc


# ---------------------------------------------------------------- verdicts
def agreement(name, v, rc, findings, strict_accept):
    """What is wrong between lint's findings and the servers' verdicts `v`."""
    problems = []
    errors = [f for f in findings if f["severity"] == "error"]
    rej = {s: rejects(st) for s, st in v.items()}
    if all(rej.values()):
        if not errors:
            problems.append("%s: nginx %s and Node %s reject it, lint reports no error" % (name, v["nginx"], v["node"]))
        elif "close" not in v.values() and not any(f["expect_status"] in v.values() for f in findings):
            # (a close carries no status to predict)
            problems.append("%s: no finding predicts %s" % (name, sorted(set(v.values()))))
        if rc != 1:
            problems.append("%s: lint exit %d with errors" % (name, rc))
    elif any(rej.values()):
        who = [s for s, r in rej.items() if r][0]
        word = {"timeout": "waits", "close": "closes", "garbage": "answers in HTTP/0.9"}.get(v[who], "answers " + v[who])
        want = "%s %s" % (SERVER_NAMES[who], word)
        if not any(want in f["message"] for f in findings):
            problems.append("%s: %s; no finding says '%s': %s" % (name, v, want, [f["message"] for f in findings]))
    elif strict_accept and errors:
        problems.append("%s: both servers accept it, lint reports errors %s" % (name, [f["id"] for f in errors]))
    return problems


def test_verdicts_match_real_servers_and_lint(tmp):
    observed = observe()
    if os.environ.get("RAWHTTP_UPDATE_VERDICTS") == "1":
        doc = {
            "about": "What real servers answered each gallery request (first response status, "
                     "'timeout' after %.1f s, or 'close'), as `rawhttp probe --req` observed them. Written by "
                     "tests/integration/test_lint.py with RAWHTTP_UPDATE_VERDICTS=1; rawhttp lint shows them."
                     % READ_TIMEOUT,
            "servers": server_versions(),
            "verdicts": observed,
        }
        with open(VERDICTS, "w") as f:
            json.dump(doc, f, indent=2, sort_keys=True)
            f.write("\n")
    recorded = json.load(open(VERDICTS))["verdicts"]
    changed = {n: (recorded.get(n), v) for n, v in observed.items() if recorded.get(n) != v}
    h.eq(changed, {}, "verdicts differing from requests/verdicts.json (recorded, observed); "
                      "regenerate with RAWHTTP_UPDATE_VERDICTS=1")

    problems = []
    for path in gallery_files():
        name = os.path.basename(path)
        rc, doc = lint_json(path)
        problems += agreement(name, observed[name], rc, doc["findings"], strict_accept=not name.startswith("broken-"))
    h.eq(problems, [], "lint against the real servers")


def test_every_broken_gallery_file_has_a_verdict_and_a_finding(tmp):
    recorded = json.load(open(VERDICTS))["verdicts"]
    for path in gallery_files():
        name = os.path.basename(path)
        h.check(name in recorded, "%s has a recorded verdict" % name)
        if name.startswith("broken-"):
            _, doc = lint_json(path)
            h.check(doc["findings"], "lint has a finding for %s" % name)
            first = open(path, "rb").readline()
            h.check(first.startswith(b"# "), "%s starts with a # lesson line" % name)


# ---------------------------------------------------------------- a wider set
# Malformed (and a few well-formed) requests beyond the gallery, as exact bytes,
# so that lint's rules are checked as rules, not as a list of gallery cases.
# Their verdicts live in tests/fixtures/lint/wire-verdicts.json (same flag).
WIRE_VERDICTS = os.path.join(h.SOURCE_DIR, "tests", "fixtures", "lint", "wire-verdicts.json")
H = b"Host: x\r\n"
cases = {
 "lower-method": b"get / HTTP/1.1\r\n" + H + b"\r\n",
 "unknown-method": b"FOO / HTTP/1.1\r\n" + H + b"\r\n",
 "mixed-method": b"Get / HTTP/1.1\r\n" + H + b"\r\n",
 "method-digit": b"G3T / HTTP/1.1\r\n" + H + b"\r\n",
 "method-tchar": b"GE!T / HTTP/1.1\r\n" + H + b"\r\n",
 "http11-minor2": b"GET / HTTP/1.2\r\n" + H + b"\r\n",
 "http3": b"GET / HTTP/3.0\r\n" + H + b"\r\n",
 "http09": b"GET / HTTP/0.9\r\n" + H + b"\r\n",
 "http10-te": b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
 "http1": b"GET / HTTP/1\r\n" + H + b"\r\n",
 "trailing-space": b"GET / HTTP/1.1 \r\n" + H + b"\r\n",
 "tab-sep": b"GET\t/ HTTP/1.1\r\n" + H + b"\r\n",
 "target-brace": b"GET /a{b} HTTP/1.1\r\n" + H + b"\r\n",
 "target-quote": b"GET /a\"b HTTP/1.1\r\n" + H + b"\r\n",
 "target-utf8": b"GET /\xc3\xa9 HTTP/1.1\r\n" + H + b"\r\n",
 "target-ctl": b"GET /a\x01b HTTP/1.1\r\n" + H + b"\r\n",
 "target-del": b"GET /a\x7fb HTTP/1.1\r\n" + H + b"\r\n",
 "target-backslash": b"GET /a\\b HTTP/1.1\r\n" + H + b"\r\n",
 "absolute": b"GET http://x/ HTTP/1.1\r\n" + H + b"\r\n",
 "authority-get": b"GET x:80 HTTP/1.1\r\n" + H + b"\r\n",
 "connect-path": b"CONNECT / HTTP/1.1\r\n" + H + b"\r\n",
 "connect-ok": b"CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n",
 "options-star": b"OPTIONS * HTTP/1.1\r\n" + H + b"\r\n",
 "host-space": b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
 "host-slash": b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
 "host-empty": b"GET / HTTP/1.1\r\nHost:\r\n\r\n",
 "host-userinfo": b"GET / HTTP/1.1\r\nHost: u@a\r\n\r\n",
 "host-badport": b"GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n",
 "name-at": b"GET / HTTP/1.1\r\n" + H + b"X@Y: v\r\n\r\n",
 "name-empty": b"GET / HTTP/1.1\r\n" + H + b": v\r\n\r\n",
 "no-colon": b"GET / HTTP/1.1\r\n" + H + b"novalue\r\n\r\n",
 "value-del": b"GET / HTTP/1.1\r\n" + H + b"X: a\x7fb\r\n\r\n",
 "value-ctl": b"GET / HTTP/1.1\r\n" + H + b"X: a\x01b\r\n\r\n",
 "value-obs-text": b"GET / HTTP/1.1\r\n" + H + b"X: caf\xc3\xa9\r\n\r\n",
 "tab-before-colon": b"GET / HTTP/1.1\r\n" + H + b"X\t: v\r\n\r\n",
 "cl-list-same": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 5, 5\r\n\r\nhello",
 "cl-twice-same": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
 "cl-plus": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: +5\r\n\r\nhello",
 "cl-space-in": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 1 0\r\n\r\nhelloworld",
 "cl-huge": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 99999999999999999999\r\n\r\nhello",
 "cl-empty": b"POST / HTTP/1.1\r\n" + H + b"Content-Length:\r\n\r\n",
 "cl-extra": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 2\r\n\r\nhello",
 "te-gzip-chunked": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
 "te-chunked-twice": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
 "te-Chunked": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: Chunked\r\n\r\n0\r\n\r\n",
 "te-identity": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: identity\r\n\r\n",
 "te-empty": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding:\r\n\r\n",
 "te-two-fields": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
 "chunk-no-crlf-after-data": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
 "chunk-size-lf": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n",
 "chunk-ext": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\n\r\n",
 "chunk-incomplete": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
 "chunk-space-size": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n",
 "leading-crlf": b"\r\nGET / HTTP/1.1\r\n" + H + b"\r\n",
 "leading-space-line": b" GET / HTTP/1.1\r\n" + H + b"\r\n",
 "only-lf-end": b"GET / HTTP/1.1\r\n" + H + b"\n",
 "cr-only-lines": b"GET / HTTP/1.1\r" + H + b"\r",
 "bare-cr-in-value": b"GET / HTTP/1.1\r\n" + H + b"X: a\rb\r\n\r\n",
 "nul-in-target": b"GET /a\x00b HTTP/1.1\r\n" + H + b"\r\n",
 "http10-nohost": b"GET / HTTP/1.0\r\n\r\n",
 "long-target-9k": b"GET /" + b"a"*9000 + b" HTTP/1.1\r\n" + H + b"\r\n",
 "long-field-9k": b"GET / HTTP/1.1\r\n" + H + b"X: " + b"v"*9000 + b"\r\n\r\n",
 "head-20k": b"GET / HTTP/1.1\r\n" + H + b"".join(b"X-%d: %s\r\n" % (i, b"v"*1000) for i in range(20)) + b"\r\n",
 "head-40k": b"GET / HTTP/1.1\r\n" + H + b"".join(b"X-%d: %s\r\n" % (i, b"v"*4000) for i in range(10)) + b"\r\n",
 "expect-bad": b"GET / HTTP/1.1\r\n" + H + b"Expect: foo\r\n\r\n",
 "get-with-body-cl": b"GET / HTTP/1.1\r\n" + H + b"Content-Length: 5\r\n\r\nhello",
 "host-port-only": b"GET / HTTP/1.1\r\nHost: :80\r\n\r\n",
 "host-colon-noport": b"GET / HTTP/1.1\r\nHost: x:\r\n\r\n",
 "host-ipv6": b"GET / HTTP/1.1\r\nHost: [::1]\r\n\r\n",
 "host-dotdot": b"GET / HTTP/1.1\r\nHost: a..b\r\n\r\n",
 "host-underscore": b"GET / HTTP/1.1\r\nHost: a_b\r\n\r\n",
 "host-utf8": b"GET / HTTP/1.1\r\nHost: caf\xc3\xa9\r\n\r\n",
 "host-two-ports": b"GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n",
 "http09-two-part": b"GET /\r\n\r\n",
 "space-before-version": b"GET /  HTTP/1.1\r\nHost: x\r\n\r\n",
 "tab-first-field": b"GET / HTTP/1.1\r\n\tHost: x\r\n\r\n",
 "nul-in-name": b"GET / HTTP/1.1\r\nHost: x\r\nX\x00Y: v\r\n\r\n",
 "utf8-in-name": b"GET / HTTP/1.1\r\nHost: x\r\nX\xc3\xa9: v\r\n\r\n",
 "cl-hex": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x5\r\n\r\nhello",
 "cl-trailing-space": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5 \r\n\r\nhello",
 "cl-leading-zero": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 005\r\n\r\nhello",
 "cl-no-body": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n",
 "te-chunked-space": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:  chunked \r\n\r\n0\r\n\r\n",
 "te-xchunked": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
 "te-chunked-param": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n",
 "te-space-before-colon": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
 "chunk-upper-hex": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
 "chunk-neg": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n",
 "chunk-huge": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
 "chunk-trailer": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n\r\n",
 "chunk-last-no-crlf": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
 "target-fragment": b"GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n",
 "target-pct-bad": b"GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n",
 "target-query-only": b"GET ?a=b HTTP/1.1\r\nHost: x\r\n\r\n",
 "target-double-slash": b"GET //a HTTP/1.1\r\nHost: x\r\n\r\n",
 "target-https-abs": b"GET https://x/ HTTP/1.1\r\nHost: x\r\n\r\n",
 "method-long": b"ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\nHost: x\r\n\r\n",
 "method-dash": b"M-SEARCH / HTTP/1.1\r\nHost: x\r\n\r\n",
 "version-lower-http10": b"GET / http/1.0\r\n\r\n",
 "version-HTTP11-extra": b"GET / HTTP/1.1x\r\nHost: x\r\n\r\n",
 "empty-line-lf-before": b"\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
 "two-crlf-before": b"\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
 "connection-close": b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
 "http10-host-dup": b"GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
 "head-only-cr-end": b"GET / HTTP/1.1\r\nHost: x\r\n\r",
}


def exact_req_text(data):
    """.req text that composes (--eol keep) to exactly `data`: {{ escaped, leading
    empty lines and a last CR as escapes, the editor's final newline where it is dropped."""
    text = data.replace(b"{{", b'{{"{{"}}')
    lead = len(text) - len(text.lstrip(b"\r\n"))  # empty lines before the request line: the preamble's
    text = b"".join(b"{{CR}}" if c == 13 else b"{{LF}}" for c in text[:lead]) + text[lead:]
    if text.endswith(b"\r"):  # a last CR would pair with a newline
        text = text[:-1] + b"{{CR}}"
    if b"\n\r\n" in data or b"\n\n" in data:
        text += b"\n"  # a body's final newline is the editor's; a head's would be sent
    return text


def lint_bytes(data):
    """lint on exact bytes (checked: compose gives them back)."""
    text = exact_req_text(data)
    rc, composed, _ = h.run(["compose", "-", "--eol", "keep"], stdin=text)
    h.eq(composed, data, "composed bytes")
    rc, out, err = h.run(["lint", "-", "--eol", "keep", "--json"], stdin=text)
    h.check(rc in (0, 1), "lint exit %d: %r" % (rc, err))
    return rc, json.loads(out)["findings"]


def test_wider_set_verdicts_and_lint(tmp):
    observed = {}
    with h.Nginx() as ngx, h.NodeServer() as node:
        for name, data in cases.items():
            observed[name] = {"nginx": first_status(ngx.port, data), "node": first_status(node.port, data)}
    if os.environ.get("RAWHTTP_UPDATE_VERDICTS") == "1":
        os.makedirs(os.path.dirname(WIRE_VERDICTS), exist_ok=True)
        with open(WIRE_VERDICTS, "w") as f:
            json.dump({"servers": server_versions(), "verdicts": observed}, f, indent=2, sort_keys=True)
            f.write("\n")
    recorded = json.load(open(WIRE_VERDICTS))["verdicts"]
    changed = {n: (recorded.get(n), v) for n, v in observed.items() if recorded.get(n) != v}
    h.eq(changed, {}, "verdicts differing from %s (recorded, observed)" % WIRE_VERDICTS)
    problems = []
    for name, data in cases.items():
        v = observed[name]
        rc, findings = lint_bytes(data)
        problems += agreement(name, v, rc, findings, strict_accept=False)
    h.eq(problems, [], "lint against the real servers (wider set)")


# ---------------------------------------------------------------- the command
def test_lint_json_shape_and_exit_codes(tmp):
    good = h.write_req(tmp, "GET / HTTP/1.1\nHost: x\n\n", "good.req")
    rc, doc, _ = h.run_json(["lint", good])
    h.eq(rc, 0, "exit for a good request")
    h.eq(doc, {"findings": []}, "no findings")

    bad = h.write_req(tmp, "# a comment\n\nGET index.html HTTP/1.1\nX : y\n\n", "bad.req")
    rc, doc, _ = h.run_json(["lint", bad])
    h.eq(rc, 1, "exit with an error finding")
    h.eq(list(doc.keys()), ["findings"], "top-level keys")
    ids = [f["id"] for f in doc["findings"]]
    for want in ("target-form", "space-before-colon", "host-missing"):
        h.check(want in ids, "%s in %s" % (want, ids))
    for f in doc["findings"]:
        h.eq(sorted(f.keys()), sorted(["id", "severity", "line", "column", "message", "rfc", "expect_status"]),
             "finding keys")
    tf = [f for f in doc["findings"] if f["id"] == "target-form"][0]
    h.eq((tf["line"], tf["column"]), (3, 5), "target-form is at the file's line 3, column 5")
    h.eq(tf["expect_status"], "400", "target-form status")
    h.check(tf["rfc"].startswith("RFC 9112"), "an RFC section: %s" % tf["rfc"])
    sp = [f for f in doc["findings"] if f["id"] == "space-before-colon"][0]
    h.eq((sp["line"], sp["column"]), (4, 2), "space-before-colon position")

    # {{CRLF}} escapes stay on the file line they are written on.
    esc = h.write_req(tmp, "# c\nGET / HTTP/1.1{{CRLF}}Host: x{{CRLF}}X : y{{CRLF}}{{CRLF}}\n", "esc.req")
    rc, doc, _ = h.run_json(["lint", esc])
    h.eq([(f["id"], f["line"], f["column"]) for f in doc["findings"]], [("space-before-colon", 2, 2)],
         "findings of a one-line request")

    warn = h.write_req(tmp, "GET / HTTP/1.1\nHost: x\n\n", "warn.req")
    rc, doc, _ = h.run_json(["lint", warn, "--eol", "lf"])
    h.eq(rc, 0, "warnings alone exit 0")
    h.eq([f["id"] for f in doc["findings"]], ["bare-lf"], "--eol lf gives a bare-lf warning")

    rc, _, err = h.run(["lint", os.path.join(tmp, "missing.req")])
    h.eq(rc, 2, "a missing file exits 2")
    tpl = h.write_req(tmp, "GET /{{nope}} HTTP/1.1\nHost: x\n\n", "tpl.req")
    rc, out, err = h.run(["lint", tpl])
    h.eq(rc, 2, "a template error exits 2")
    err = err.decode(errors="replace")
    h.check("tpl.req:1:" in err, "the template error names file:line: %r" % err)


def test_lint_stdin_var_and_terminal_output(tmp):
    rc, out, err = h.run(["lint", "-", "--var", "v=HTTP/2.0"], stdin=b"GET / {{v}}\nHost: x\n\n")
    h.eq(rc, 1, "exit for HTTP/2.0 from stdin")
    text = out.decode() if isinstance(out, bytes) else out
    h.check("<stdin>:1:7: error [version-unsupported]" in text, "location and id: %r" % text)
    h.check("RFC 9110" in text and "505" in text and "fix:" in text, "RFC, status and fix: %r" % text)
    h.check("1 error" in text, "a summary line: %r" % text)


def test_lint_shows_observed_verdicts_for_gallery_files(tmp):
    rc, out, _ = h.run(["lint", "broken-http2-text.req"])
    h.eq(rc, 1, "exit")
    text = out.decode() if isinstance(out, bytes) else out
    recorded = json.load(open(VERDICTS))["verdicts"]["broken-http2-text.req"]
    h.check("observed on real servers" in text and ("nginx " + recorded["nginx"]) in text,
            "the recorded verdicts are shown: %r" % text)


def test_lint_quiet_prints_only_the_summary(tmp):
    # -q is "only the summary line": no per-request headings, no verdicts line.
    rc, out, _ = h.run(["lint", "-q", "broken-http2-text.req"])
    h.eq(rc, 1, "exit")
    h.eq(out.decode().strip().splitlines(), ["1 error, 0 warnings"], "lint -q on a gallery file")
    two = h.write_req(tmp, "GET / HTTP/1.1\nHost: x\n\n###\nGET / HTTP/1.1\nHost: x\n\n", "two.req")
    rc, out, _ = h.run(["lint", "-q", two])
    h.eq(rc, 0, "exit")
    h.eq(len(out.decode().strip().splitlines()), 1, "lint -q on two requests: %r" % out)


# ---------------------------------------------------------------- one implementation
def test_send_why_section_explains_serve_400(tmp):
    with h.PracticeServer() as srv:
        rc, out, err = h.run(["send", "broken-space-before-colon.req", "--var", "port=%d" % srv.port])
        text = out.decode() if isinstance(out, bytes) else out
        h.eq(rc, 0, "send exit (any status completes): %s" % err)
        h.check("400" in text, "serve answered 400")
        h.check("why the server may have answered 400" in text, "a why section: %r" % text[-1500:])
        h.check("[space-before-colon]" in text and "RFC 9112 §5.1" in text, "the finding in why: %r" % text[-1500:])
        rc, out, _ = h.run(["send", "get-local.req", "--var", "port=%d" % srv.port])
        text = out.decode() if isinstance(out, bytes) else out
        h.check("why" not in text, "no why section for a 200")


def test_send_why_gives_the_lines_lint_gives(tmp):
    # send's why counted wire lines from the request line, so a file writing
    # {{CRLF}} escapes got other line numbers than lint's.
    req = h.write_req(tmp, "# c\n@eol = keep\n\nGET / HTTP/1.1{{CRLF}}Host: x{{CRLF}}X : y{{CRLF}}{{CRLF}}\n", "esc.req")
    rc, doc, _ = h.run_json(["lint", req])
    h.eq([(f["id"], f["line"], f["column"]) for f in doc["findings"]], [("space-before-colon", 4, 2)], "lint")
    with h.PracticeServer() as srv:
        rc, out, err = h.run(["send", req, "--to", srv.address, "--show", "why"])
    text = out.decode()
    h.check("line 4, column 2: error [space-before-colon]" in text, "why on lint's line: %r" % text)


def test_send_why_explains_a_timeout(tmp):
    # No answer at all (the server waits for more): why names the finding that makes it wait.
    with h.PracticeServer() as srv:
        rc, out, err = h.run(["send", "broken-content-length-short.req", "--to", srv.address,
                              "--idle-timeout", "1"], timeout=20)
    text = out.decode()
    h.eq(rc, 28, "exit")
    h.check("why the server may not have answered" in text and "[content-length-exceeds-body]" in text,
            "why for a timeout: %r" % text[-1500:])


def test_send_why_shows_errors_when_the_status_differs(tmp):
    # A server (not rawhttp serve, whose status is lint's by construction) answers
    # 501 to "get"; lint's finding predicts 400: the finding still explains it,
    # where why used to say "lint finds nothing".
    resp = b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    with h.ScriptedServer([resp]) as srv:
        rc, out, err = h.run(["send", "broken-lowercase-method.req", "--to", "127.0.0.1:%d" % srv.port,
                              "--show", "parsed,why"])
    text = out.decode()
    h.check("501" in text and "[method-not-uppercase]" in text and "lint finds nothing" not in text,
            "why for 501: %r" % text[-1500:])


def test_serve_400_bodies_are_lint_findings(tmp):
    cases = {
        "broken-missing-host.req": "[host-missing]",
        "broken-space-before-colon.req": "[space-before-colon]",
        "broken-obs-fold.req": "[obs-fold]",
        "broken-cl-and-te.req": "[content-length-with-transfer-encoding]",
        "broken-content-length.req": "[content-length-invalid]",
        "broken-target-no-slash.req": "[target-form]",
        "broken-asterisk-get.req": "[target-asterisk]",
        "broken-duplicate-host.req": "[host-repeated]",
        "broken-te-not-chunked.req": "[transfer-encoding-not-chunked]",
    }
    with h.PracticeServer() as srv:
        for name, want in cases.items():
            status = first_status(srv.port, compose(os.path.join(GALLERY, name), srv.port))
            h.eq(status, "400", "serve's status for %s" % name)
            rc, doc, _ = h.run_json(["send", name, "--var", "port=%d" % srv.port])
            body = doc["exchanges"][0]["response"].get("body", "")
            h.check(want in body, "%s: serve's 400 body names %s: %r" % (name, want, body))
            h.check("RFC 91" in body, "%s: and the RFC section" % name)


def test_listen_shows_lint_findings(tmp):
    import subprocess
    portfile = os.path.join(tmp, "port")
    p = subprocess.Popen([h.RAWHTTP, "listen", "127.0.0.1:0", "--once", "--port-file", portfile],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         env=dict(os.environ, NO_COLOR="1"), start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (os.path.exists(portfile) and open(portfile).read().strip()):
            time.sleep(0.02)
        port = int(open(portfile).read())
        status = first_status(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Trace : abc\r\n\r\n")
        h.check(status.isdigit(), "listen answered: %s" % status)
        out, _ = p.communicate(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    text = out.decode(errors="replace")
    h.check("[space-before-colon]" in text and "RFC 9112 §5.1" in text, "listen shows lint's finding: %r" % text[-1500:])


if __name__ == "__main__":
    h.main(globals())
