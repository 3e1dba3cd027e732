"""Command cases as files, compared whole (Hurl's tests_ok, ninja's output
tests): tests/cases/GROUP/NAME.args holds the arguments after `rawhttp`, one
per line; NAME.out, NAME.err and NAME.rc what the command must print on
stdout and stderr and exit with. Optional inputs beside them: NAME.req
(`{{REQ}}` in the arguments is its path) and NAME.stdin.

Placeholders in the arguments:
  {{REQ}}            the path of NAME.req
  {{SERVER:PATH}}    127.0.0.1:PORT of a one-shot loopback server that reads
                     the request head and answers with the raw bytes of the
                     file PATH (relative to the source folder), then closes
  {{TMP}}            a fresh temporary folder

Before comparing, volatile parts of the output are replaced (and the
expected files hold the replacements): loopback ports by {{PORT}}, times
("0.3 ms", "12 ms", and --json's *_ms numbers) by {{TIME}}, a Date field's value by {{DATE}}, the
temporary folder by {{TMP}} and the source folder by {{SOURCE}}.

RAWHTTP_UPDATE_CASES=1 rewrites the expected files from what the commands
print now; review the diff (git diff tests/cases) before committing. Adding
a case is adding NAME.args (then running with the switch once)."""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

CASES = os.path.join(h.SOURCE_DIR, "tests", "cases")
UPDATE = os.environ.get("RAWHTTP_UPDATE_CASES") == "1"


def normalise(text, tmp):
    text = text.replace(tmp, "{{TMP}}").replace(h.SOURCE_DIR, "{{SOURCE}}")
    text = re.sub(r"(127\.0\.0\.1|\[::1\]|localhost):\d+", r"\1:{{PORT}}", text)
    text = re.sub(r"\b\d+(\.\d+)? ?(ms|µs)\b", "{{TIME}}", text)
    text = re.sub(r'("\w+_ms": )[0-9.e+-]+', r"\1{{TIME}}", text)  # --json timings
    text = re.sub(r"(Date: ?)[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", r"\1{{DATE}}", text)
    return text


def expand(arg, base, tmp, servers):
    arg = arg.replace("{{REQ}}", base + ".req").replace("{{TMP}}", tmp)

    def server(m):
        raw = open(os.path.join(h.SOURCE_DIR, m.group(1)), "rb").read()
        srv = h.ScriptedServer([raw])
        servers.append(srv)
        return "127.0.0.1:%d" % srv.port

    return re.sub(r"\{\{SERVER:([^}]+)\}\}", server, arg)


def run_case(base, tmp):
    """Returns a list of differences (empty: the case passes)."""
    args = [l for l in open(base + ".args").read().splitlines() if l]
    servers = []
    try:
        argv = [expand(a, base, tmp, servers) for a in args]
        stdin = open(base + ".stdin", "rb").read() if os.path.exists(base + ".stdin") else None
        env = dict(os.environ, NO_COLOR="1", COLUMNS="80")
        rc, out, err = h.run(argv, timeout=30, stdin=stdin, env=env, cwd=tmp)
    finally:
        for s in servers:
            s.stop()
    got = {
        ".out": normalise(out.decode("utf-8", "backslashreplace"), tmp),
        ".err": normalise(err.decode("utf-8", "backslashreplace"), tmp),
        ".rc": "%d\n" % rc,
    }
    problems = []
    for ext, text in got.items():
        path = base + ext
        if UPDATE:
            with open(path, "w", newline="") as f:
                f.write(text)
            continue
        want = open(path, newline="").read() if os.path.exists(path) else None
        if want != text:
            problems.append("%s%s differs:\n--- want\n%s\n--- got\n%s" % (
                os.path.relpath(base, CASES), ext, want if want is not None else "(missing)", text))
    return problems


def test_every_case(tmp):
    cases = sorted(glob.glob(os.path.join(CASES, "*", "*.args")))
    h.check(len(cases) >= 60, "command cases found: %d" % len(cases))
    problems = []
    for n, args in enumerate(cases):
        case_tmp = os.path.join(tmp, "case%d" % n)
        os.makedirs(case_tmp)
        problems += run_case(args[:-5], case_tmp)
    h.check(not problems, "%d case(s) differ (RAWHTTP_UPDATE_CASES=1 rewrites them for review):\n%s"
            % (len(problems), "\n".join(problems[:10])))


def test_the_normaliser_keeps_what_matters(tmp):
    t = normalise("connected  127.0.0.1:8080 (ipv4) in 0.1 ms\n  < Date: Sun, 22 Nov 2026 18:00:00 GMT\\r\\n\n"
                  "Content-Length: 968\n" + tmp + "/x.req\n", tmp)
    h.eq(t, "connected  127.0.0.1:{{PORT}} (ipv4) in {{TIME}}\n  < Date: {{DATE}}\\r\\n\nContent-Length: 968\n"
            "{{TMP}}/x.req\n", "normalised")


def test_a_case_that_differs_fails(tmp):
    # The comparison can fail: a case whose expected stdout is wrong is reported.
    base = os.path.join(tmp, "probe-case")
    with open(base + ".args", "w") as f:
        f.write("rules\nbare-lf\n")
    for ext, text in ((".out", "not what rules prints\n"), (".err", ""), (".rc", "0\n")):
        with open(base + ext, "w") as f:
            f.write(text)
    if UPDATE:
        return
    problems = run_case(base, tmp)
    h.eq(len(problems), 1, "one difference (stdout): %r" % problems)
    h.check(".out differs" in problems[0], problems[0])


if __name__ == "__main__":
    h.main(globals())
