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
READ_TIMEOUT = 1.5
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


def observe():
    """{file name: {"nginx": status, "node": status}} for every gallery file."""
    observed = {}
    with h.Nginx() as ngx, h.NodeServer() as node:
        for path in gallery_files():
            name = os.path.basename(path)
            observed[name] = {
                "nginx": first_status(ngx.port, compose(path, ngx.port)),
                "node": first_status(node.port, compose(path, node.port)),
            }
    return observed


def server_versions():
    _, nginx_v, _ = "", "", ""
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
def test_verdicts_match_real_servers_and_lint(tmp):
    observed = observe()
    if os.environ.get("RAWHTTP_UPDATE_VERDICTS") == "1":
        doc = {
            "about": "What real servers answered each gallery request (first response status, "
                     "'timeout' after %.1f s, or 'close'). Written by tests/integration/test_lint.py "
                     "with RAWHTTP_UPDATE_VERDICTS=1; rawhttp lint shows them." % READ_TIMEOUT,
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
        v = observed[name]
        rc, doc = lint_json(path)
        findings = doc["findings"]
        errors = [f for f in findings if f["severity"] == "error"]
        rej = {s: rejects(st) for s, st in v.items()}
        if all(rej.values()):
            if not errors:
                problems.append("%s: nginx %s and Node %s reject it, lint reports no error" %
                                (name, v["nginx"], v["node"]))
            elif not any(f["expect_status"] in v.values() for f in errors):
                problems.append("%s: no error predicts %s" % (name, sorted(set(v.values()))))
            if rc != 1:
                problems.append("%s: lint exit %d with errors" % (name, rc))
        elif any(rej.values()):
            who = [s for s, r in rej.items() if r][0]
            want = "%s answers %s" % (SERVER_NAMES[who], v[who]) if v[who].isdigit() else SERVER_NAMES[who]
            if not any(want in f["message"] for f in findings):
                problems.append("%s: %s; no finding says '%s': %s" %
                                (name, v, want, [f["message"] for f in findings]))
        else:
            if errors and not name.startswith("broken-"):
                problems.append("%s: both servers accept it, lint reports errors %s" %
                                (name, [f["id"] for f in errors]))
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


if __name__ == "__main__":
    h.main(globals())
