"""Plain-file fixtures, Hurl style: tests/fixtures/compose/NAME.req composes to
exactly NAME.bytes (with the arguments in NAME.args, one per line), on stdout
and on the wire; tests/fixtures/responses/NAME.http, served raw, gives what
NAME.json expects from `send --json`. Adding a case is adding files."""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

FIXTURES = os.path.join(h.SOURCE_DIR, "tests", "fixtures")


def _args(base):
    p = base + ".args"
    return [l for l in open(p).read().splitlines() if l] if os.path.exists(p) else []


def test_compose_fixtures(tmp):
    cases = sorted(glob.glob(os.path.join(FIXTURES, "compose", "*.req")))
    h.check(len(cases) >= 5, "compose fixtures found: %d" % len(cases))
    for req in cases:
        base = req[:-4]
        want = open(base + ".bytes", "rb").read()
        rc, out, err = h.run(["compose", req] + _args(base))
        h.eq((rc, out), (0, want), "%s: compose (stderr %r)" % (os.path.basename(req), err))
        # What send writes is byte for byte what compose prints.
        with h.Recorder() as rec:
            rc, _, err = h.run(["send", req, "--to", "127.0.0.1:%d" % rec.port, "--max-time", "5",
                                "--show", "parsed"] + _args(base))
            h.eq(rc, 0, "%s: send (stderr %r)" % (os.path.basename(req), err))
        h.eq(rec.received, want, "%s: bytes on the wire" % os.path.basename(req))


def test_response_fixtures(tmp):
    cases = sorted(glob.glob(os.path.join(FIXTURES, "responses", "*.http")))
    h.check(len(cases) >= 5, "response fixtures found: %d" % len(cases))
    for raw_path in cases:
        name = os.path.basename(raw_path)
        exp = json.load(open(raw_path[:-5] + ".json"))
        raw = open(raw_path, "rb").read()
        with h.ScriptedServer([raw]) as srv:
            req = h.write_req(tmp, "%s / HTTP/1.1\nHost: 127.0.0.1:%d\n\n" % (exp.get("method", "GET"), srv.port))
            rc, doc, err = h.run_json(["send", req, "--max-time", "5"])
        h.eq(rc, exp["exit"], "%s: exit" % name)
        ex = doc["exchanges"][0]
        if "error" in exp:
            h.eq((ex["error"] or {}).get("kind"), exp["error"], "%s: error kind" % name)
        r = ex["response"] or {}
        for key in ("status", "version", "framing", "body", "complete"):
            if key in exp:
                h.eq(r.get(key), exp[key], "%s: %s" % (name, key))
        if "interim_statuses" in exp:
            h.eq([i["status"] for i in r["interim"]], exp["interim_statuses"], "%s: interim" % name)


if __name__ == "__main__":
    h.main(globals())
