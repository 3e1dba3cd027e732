"""One rule book: for every request, serve's status is exactly lint's prediction.

Every gallery request and every request of the wire corpus (test_lint.py's
`cases`), plus the cases the rule-book issue listed, are sent as exact bytes to
a running `rawhttp serve` (default and --strict) and the first status is
compared with `lint --json` (and `lint --strict --json`): no error means serve
accepts (any status below 400, or the application's own 404/405); otherwise
serve answers the first error's expect_status ("timeout": 408 after its idle
time). Everything on 127.0.0.1; every socket has a timeout."""
import glob
import json
import os
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import test_lint as tl  # noqa: E402  (the wire corpus and its helpers)

GALLERY = os.path.join(h.SOURCE_DIR, "requests")
IDLE = "1"  # serve's idle timeout for these runs: a "timeout" prediction costs a second

# The cases the rule-book issue listed, with the verdict the rule book gives and why.
H = b"Host: x\r\n"
ISSUE_CASES = {
    # RFC 9112 §3.2.2: absolute-form is scheme "://" authority; "http:/x" is no request-target form.
    "http-colon-slash": (b"GET http:/x HTTP/1.1\r\n" + H + b"\r\n", "target-form", "400"),
    # RFC 9112 §7: chunked takes no parameters; nginx 501, Node 400.
    "chunked-param": (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n",
                      "transfer-encoding-not-chunked", "400"),
    # RFC 9112 §3.2: Host is uri-host [":" port]; userinfo, a path or a list are not.
    "host-userinfo": (b"GET / HTTP/1.1\r\nHost: user@127.0.0.1:8080\r\n\r\n", "host-invalid", "400"),
    "host-path": (b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080/path\r\n\r\n", "host-invalid", "400"),
    "host-list": (b"GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", "host-invalid", "400"),
    # RFC 9110 §8.6 lets a recipient accept "5, 5"; nginx and Node both answer 400, so: error.
    "cl-list": (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello", "content-length-repeated", "400"),
    # RFC 6585 §5 and the rule book's 32 KiB head limit.
    "head-40k": (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: %s\r\n" % (i, b"v" * 4000) for i in range(10))
                 + b"\r\n", "head-too-large", "431"),
    # RFC 9112 §2.2: a recipient MAY accept a bare LF; nginx and Google do: a warning.
    "bare-lf": (b"GET / HTTP/1.1\nHost: x\n\n", "bare-lf", "accept"),
    # RFC 9112 §3: single SP; nginx and Node accept more: a warning.
    "two-spaces": (b"GET  / HTTP/1.1\r\n" + H + b"\r\n", "request-line-spaces", "accept"),
    # RFC 9110 §10.1.1: a server MAY answer 417 to an unknown expectation: a warning.
    "expect-tea": (b"GET / HTTP/1.1\r\nHost: x\r\nExpect: tea\r\n\r\n", "expect-unknown", "accept"),
    # RFC 9112 §7.1.1 and the rule book's 4096-byte chunk-extension limit.
    "chunk-ext-64k": (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;" + b"a" * 65536 +
                      b"\r\nhello\r\n0\r\n\r\n", "chunk-ext-too-long", "400"),
    # RFC 9110 §9.1: methods are case-sensitive; nginx and Node answer 400.
    "lowercase-get": (b"get / HTTP/1.1\r\n" + H + b"\r\n", "method-not-uppercase", "400"),
    # RFC 9110 §9.3.6: CONNECT is for proxies.
    "connect": (b"CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n", "connect-origin", "400"),
    # RFC 9110 §15.6.6: a major version other than 1 is 505 (the HTTP/2 preface).
    "h2-preface": (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "version-unsupported", "505"),
    # RFC 6585 §5 and the rule book's 100-field limit.
    "fields-1000": (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(1000)) + b"\r\n",
                    "too-many-fields", "431"),
    # RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ).
    "chunk-ext-empty-name": (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n",
                             "chunk-ext-invalid", "400"),
    "chunk-ext-bad-char": (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;bad[=x\r\nhello\r\n0\r\n\r\n",
                           "chunk-ext-invalid", "400"),
    "chunk-ext-open-quote": (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"x\r\nhello\r\n0\r\n\r\n",
                             "chunk-ext-invalid", "400"),
    "chunk-ext-nul": (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\x00\r\nhello\r\n0\r\n\r\n",
                      "chunk-ext-invalid", "400"),
    # RFC 9112 §7.1: whitespace after the size is BWS only before ";"; Node and picohttpparser reject "5 ".
    "chunk-size-space": (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n",
                         "chunked-size-whitespace", "400"),
    # RFC 9112 §7.1: chunk lines end with CRLF; a bare LF breaks the framing's grammar: error.
    "chunk-size-lf": (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n",
                      "chunked-bare-lf", "400"),
    "chunk-data-lf": (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n",
                      "chunked-bare-lf", "400"),
    # BWS before ";" is valid (RFC 9112 §7.1.1): accepted.
    "chunk-bws-ext": (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5 ;a=b\r\nhello\r\n0\r\n\r\n",
                      None, "accept"),
}


def lint_verdict(data, strict):
    """lint's prediction for exact bytes: 'accept', the first error's status, or 'timeout';
    and the first error's id (or the first finding's id when there is no error)."""
    args = ["lint", "-", "--eol", "keep", "--json"] + (["--strict"] if strict else [])
    rc, out, err = h.run(args, stdin=tl.exact_req_text(data), timeout=20)
    h.check(rc in (0, 1), "lint exit %d: %r" % (rc, err))
    findings = json.loads(out)["findings"]
    errors = [f for f in findings if f["severity"] == "error"]
    if not errors:
        return "accept", findings[0]["id"] if findings else None
    return errors[0]["expect_status"], errors[0]["id"]


def serve_status(port, data):
    """The first response's status from serve, or 'none' when it closed without one."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        try:
            s.sendall(data)
        except OSError:
            pass  # serve may answer and close before reading everything
        s.settimeout(8)
        got = b""
        deadline = time.monotonic() + 8
        while b"\n" not in got and time.monotonic() < deadline:
            try:
                chunk = s.recv(4096)
            except OSError:
                break
            if not chunk:
                break
            got += chunk
        if not got.startswith(b"HTTP/1.1 "):
            return "none"
        return got[9:12].decode()
    finally:
        s.close()


def agrees(predicted, status):
    if predicted == "accept":
        return status.isdigit() and (int(status) < 400 or status in ("404", "405"))
    if predicted == "timeout":
        return status in ("408", "none")
    return predicted == status


def corpus(port):
    """name -> exact bytes: the gallery (composed), the wire corpus, the issue's cases."""
    out = {}
    for path in sorted(glob.glob(os.path.join(GALLERY, "*.req"))):
        out["gallery/" + os.path.basename(path)] = tl.compose(path, port)
    for name, data in tl.cases.items():
        out["wire/" + name] = data
    for name, (data, _, _) in ISSUE_CASES.items():
        out["issue/" + name] = data
    return out


def check_agreement(strict):
    extra = ["--strict"] if strict else []
    with h.PracticeServer("--quiet", "--idle-timeout", IDLE, *extra) as srv:
        reqs = corpus(srv.port)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = dict(zip(reqs, pool.map(lambda d: serve_status(srv.port, d), reqs.values())))
        problems = []
        for name, data in reqs.items():
            predicted, rule = lint_verdict(data, strict)
            if not agrees(predicted, statuses[name]):
                problems.append("%s: lint predicts %s (%s), serve answered %s" % (name, predicted, rule, statuses[name]))
        h.check(srv.alive(), "serve is still running")
    h.check(len(reqs) > 150, "a real corpus (%d requests)" % len(reqs))
    return problems


def test_serve_answers_what_lint_predicts(tmp):
    h.eq(check_agreement(strict=False), [], "serve against lint, default")


def test_serve_strict_answers_what_lint_strict_predicts(tmp):
    h.eq(check_agreement(strict=True), [], "serve --strict against lint --strict")


def test_the_issue_cases_get_the_rule_books_verdict(tmp):
    problems = []
    with h.PracticeServer("--quiet", "--idle-timeout", IDLE) as srv:
        for name, (data, rule, want) in ISSUE_CASES.items():
            predicted, got_rule = lint_verdict(data, False)
            status = serve_status(srv.port, data)
            if predicted != want or got_rule != rule or not agrees(want, status):
                problems.append("%s: want %s [%s]; lint %s [%s], serve %s" % (name, want, rule, predicted, got_rule,
                                                                               status))
    h.eq(problems, [], "the rule book's verdicts on the issue's cases")


def test_a_response_with_obs_fold_is_read_with_sp(tmp):
    # RFC 9112 §5.2: a user agent replaces each obs-fold with SP before interpreting the value.
    resp = b"HTTP/1.1 200 OK\r\nX-Folded: a\r\n  b\r\nContent-Length: 2\r\n\r\nok"
    with h.ScriptedServer([resp]) as srv:
        rc, doc, err = h.run_json(["send", os.path.join(GALLERY, "get-local.req"), "--var", "port=%d" % srv.port])
    h.eq(rc, 0, "exit (stderr %r)" % err)
    r = doc["exchanges"][0]["response"]
    h.eq(dict((k, v) for k, v in r["headers"] if k == "X-Folded"), {"X-Folded": "a b"}, "the value, joined with SP")
    h.check(any(f["id"] == "obs-fold" for f in r.get("findings", [])), "and reported: %r" % r.get("findings"))


def test_rules_command_and_readme_list_every_rule(tmp):
    rc, doc, err = h.run_json(["rules", "--json"])
    h.eq(rc, 0, "rules exit (%r)" % err)
    ids = [r["id"] for r in doc["rules"]]
    h.check(len(ids) == len(set(ids)) and len(ids) > 50, "unique ids: %d" % len(ids))
    h.check(all(r["rfc"].startswith("RFC ") and r["fix"] for r in doc["rules"]), "every rule has an RFC and a fix")
    h.check(all(r["status"] in ("400", "411", "413", "414", "417", "431", "501", "505", "timeout")
                for r in doc["rules"] if r["request"]), "statuses are the contract's")
    # a rule for responses only predicts no server's status, and says what it risks
    resp_only = [r for r in doc["rules"] if r["request"] is None]
    h.check(len(resp_only) >= 6 and all(r["status"] is None and r["response"] for r in resp_only),
            "response-only rules: %r" % resp_only)
    h.check(all(r["risk"] for r in doc["rules"] if r["id"].startswith("content-length")), "framing rules name a risk")
    readme = open(os.path.join(h.SOURCE_DIR, "README.md")).read()
    missing = [i for i in ids if "`%s`" % i not in readme]
    h.eq(missing, [], "rules the README does not name")
    rc, out, err = h.run(["rules", "bare-lf"])
    h.check(rc == 0 and b"RFC 9112" in out and b"warning" in out, "one rule in full: %r" % out)
    rc, out, err = h.run(["rules", "no-such-rule"])
    h.check(rc == 2 and b"no rule 'no-such-rule'" in err, "an unknown id: %d %r" % (rc, err))


if __name__ == "__main__":
    h.main(globals())
