"""`rawhttp import FILE.hurl`: each Hurl file of tests/fixtures/hurl (written
from Hurl's documented format; Hurl itself is not in Debian) gives the .req
written out by hand beside it, composes to the same bytes, and sends them over
a real loopback socket; what was dropped (the response checks) is listed."""
import os
import shutil
import time

import harness as h

FIXTURES = os.path.join(h.SOURCE_DIR, "tests", "fixtures", "hurl")
VARS = ["--var", "token=t-1", "--var", "csrf_token=c-2"]
DROPPED = {
    "get-simple.hurl": ["line 4: 'HTTP 200'"],
    "captures-chain.hurl": ["line 3: 'HTTP 200'", "line 4: [Captures] csrf_token", "line 10: 'HTTP 302'"],
    "json-body-asserts.hurl": ["line 6: 'HTTP 200'", "line 7: [Asserts] (4 lines)"],
    "query-params.hurl": [],
    "form-params.hurl": ["line 7: 'HTTP 302'"],
    "basic-auth-cookies.hurl": ["line 8: 'HTTP 200'", "line 9: 1 response header check"],
    "multiline-json.hurl": ["line 5: 'HTTP 201'", "line 6: [Asserts] (1 line)"],
    "xml-body.hurl": ["line 8: 'HTTP 200'"],
    "oneline-base64-file.hurl": ["line 9: 'HTTP 200'"],
    "options-response-body.hurl": ["line 2: [Options]", "line 5: 'HTTP 200'", "line 6: the expected response body"],
}


def without_comments(text):
    return [line for line in text.decode().split("\n") if not (line.startswith("#") and not line.startswith("###"))]


def test_every_hurl_file_gives_the_hand_written_req(tmp):
    names = sorted(f for f in os.listdir(FIXTURES) if f.endswith(".hurl"))
    h.check(len(names) >= 8, "at least 8 Hurl files (%d)" % len(names))
    h.eq(sorted(DROPPED), names, "every fixture has its dropped list here")
    for name in names:
        out_req = os.path.join(tmp, name[:-5] + ".req")
        rc, out, err = h.run(["import", os.path.join(FIXTURES, name), "-o", out_req])
        h.eq(rc, 0, "import %s (stderr %r)" % (name, err))
        want = open(os.path.join(FIXTURES, name[:-5] + ".req"), "rb").read()
        h.eq(without_comments(open(out_req, "rb").read()), without_comments(want), "%s: the .req" % name)
        notes = err.decode()
        for d in DROPPED[name]:
            h.check("dropped, " + d in notes, "%s: lists %r: %r" % (name, d, notes))
        h.eq(notes.count("dropped, "), len(DROPPED[name]), "%s: dropped nothing else: %r" % (name, notes))


def test_imported_files_compose_and_send_the_same_bytes(tmp):
    shutil.copy(os.path.join(FIXTURES, "data.bin"), tmp)
    for name in sorted(DROPPED):
        out_req = os.path.join(tmp, name[:-5] + ".req")
        rc, _, err = h.run(["import", os.path.join(FIXTURES, name), "-o", out_req])
        h.eq(rc, 0, "import %s" % name)
        rc, want, err = h.run(["compose", os.path.join(FIXTURES, name[:-5] + ".req"), "--raw"] + VARS)
        h.eq(rc, 0, "compose the hand-written %s (stderr %r)" % (name, err))
        rc, got, err = h.run(["compose", out_req, "--raw"] + VARS)
        h.eq(rc, 0, "compose the imported %s (stderr %r)" % (name, err))
        h.eq(got, want, "%s: the same bytes" % name)
        with h.Recorder() as rec:
            rc, out, err = h.run(["send", out_req, "--to", "127.0.0.1:%d" % rec.port, "--no-tls"] + VARS)
            h.eq(rc, 0, "send %s (stderr %r)" % (name, err))
            deadline = time.monotonic() + 5
            while len(rec.received) < len(want) and time.monotonic() < deadline:
                time.sleep(0.02)
        h.eq(rec.received, want, "%s: what arrived" % name)


def test_import_reads_standard_input_and_refuses_what_is_not_hurl(tmp):
    text = open(os.path.join(FIXTURES, "query-params.hurl"), "rb").read() + b"HTTP 200\n"
    rc, out, err = h.run(["import", "-"], stdin=text)
    h.eq(rc, 0, "import - (stderr %r)" % err)
    h.check(b"GET /news?order=newest&search=something%20to%20search&count=100 HTTP/1.1\n" in out, "%r" % out)
    path = h.write_req(tmp, "GET / HTTP/1.1\nHost: x\n\n", "t.req")
    rc, out, err = h.run(["import", path])
    h.eq(rc, 2, "a .req is not imported")
    h.check(b"is not a Hurl file" in err, "%r" % err)
    path = h.write_req(tmp, "GET https://x.test/\n[Bogus]\na: b\n", "bad.hurl")
    rc, out, err = h.run(["import", path])
    h.eq(rc, 2, "an unknown section")
    h.check(b"line 2: [Bogus] is not a section of a Hurl request" in err, "%r" % err)


if __name__ == "__main__":
    h.main(globals())
