"""Runs every walk-through in examples/ against the built binary, so they never rot."""
import glob
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


def _run_example(name, timeout=120):
    path = os.path.join(h.SOURCE_DIR, "examples", name)
    env = dict(os.environ, RAWHTTP=h.RAWHTTP, NO_COLOR="1")
    p = subprocess.run(["bash", path], cwd=h.SOURCE_DIR, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    h.eq(p.returncode, 0, "%s exit; output:\n%s" % (name, p.stdout.decode(errors="replace")[-3000:]))
    return p.stdout.decode(errors="replace")


def test_netcat_lesson(tmp):
    out = _run_example("netcat-lesson.sh")
    h.check("0d 0a" in out, "the hexdump shows CR LF")
    h.check("HTTP/1.1 200 OK" in out, "the server answered")
    h.check("[bare-lf]" in out and "Rawhttp-Warnings" in out, "bare LF: a warning, named by lint and by serve")
    h.check("400 Bad Request" in out, "serve --strict rejects bare LF with a 400")


def test_curl_lesson(tmp):
    out = _run_example("curl-lesson.sh")
    h.check("curl added User-Agent: curl/" in out, "the diff names curl's User-Agent")
    h.check("curl added Accept: */*" in out, "the diff names curl's Accept")
    h.check("match: rawhttp and curl sent the same bytes" in out, "the exact mode matches")
    h.check("curl ended the request line with CR LF (rawhttp: a bare LF)" in out, "bare LF against CR LF")
    h.check("400 Bad Request" in out, "the strict server rejects the bare LF request")


def test_bob_and_alice(tmp):
    out = _run_example("bob-and-alice.sh", timeout=60)
    bob, _, alice = out.partition("Alice's screen")
    h.check("< Hello Bob! Yes, every byte.\\r\\n" in bob, "Bob saw Alice's line:\n" + out)
    h.check("< Hi Alice, it's Bob. Can you read me?\\r\\n" in alice and "< Loud and clear. Bye!\\r\\n" in alice,
            "Alice saw Bob's lines:\n" + out)
    h.check("the other side sent FIN" in bob, "Bob was told of Alice's half-close:\n" + out)
    h.check("exit codes: Bob 0, Alice 0" in out, "both ended cleanly:\n" + out)


def test_capture_curl(tmp):
    if not shutil.which("curl"):
        raise h.Skip("curl is not installed (scripts/setup-deps test installs it)")
    out = _run_example("capture-curl.sh", timeout=60)
    h.check("> POST /echo HTTP/1.1\\r\\n" in out and "> X-Lesson: netcat\\r\\n" in out, "listen showed curl's bytes")
    h.check("@eol = keep" in out, "the saved .req is shown")
    h.check("|POST /echo HTTP/|" in out and " 0d 0a" in out, "compose --hex shows the bytes, CR LF included")
    h.check("a byte-for-byte replay" in out, "the replay matched the capture:\n" + out[-2000:])


def test_lint_lesson(tmp):
    out = _run_example("lint-lesson.sh")
    h.check("broken-space-before-colon.req" in out and "space-before-colon" in out, "the table has the lesson")
    h.check("why the server may have answered 400" in out, "send's why section is shown")
    h.check("RFC 9112 §5.1" in out, "the RFC section is named")


def test_report_lesson(tmp):
    page = os.path.join(tmp, "lesson.html")
    path = os.path.join(h.SOURCE_DIR, "examples", "report-lesson.sh")
    env = dict(os.environ, RAWHTTP=h.RAWHTTP, NO_COLOR="1", REPORT=page)
    p = subprocess.run(["bash", path], cwd=h.SOURCE_DIR, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    out = p.stdout.decode(errors="replace")
    h.eq(p.returncode, 0, "report-lesson.sh exit; output:\n%s" % out[-3000:])
    h.check("connection #1: 127.0.0.1:" in out and "|-- SYN" in out and "end of head: 200 OK" in out,
            "the terminal timeline:\n" + out)
    h.check("rawhttp closed first" in out, "who closed first:\n" + out)
    html = open(page, encoding="utf-8").read()
    h.check('<svg class="timeline"' in html and 'class="waterfall"' in html, "the page has both pictures")
    h.check(">[bare-lf]</a>" in html, "the bare-lf finding is linked from its line")
    h.check("lint finding linked to the request line: [bare-lf]" in out, "the script says so:\n" + out)


def test_every_example_is_tested(tmp):
    tested = {"netcat-lesson.sh", "curl-lesson.sh", "bob-and-alice.sh", "capture-curl.sh", "lint-lesson.sh",
              "relay-lesson.sh", "report-lesson.sh"}
    here = os.path.dirname(os.path.abspath(__file__))
    for f in glob.glob(os.path.join(here, "test_*.py")):
        if f.endswith("test_examples.py"):
            continue
        text = open(f).read()
        for ex in glob.glob(os.path.join(h.SOURCE_DIR, "examples", "*.sh")):
            if os.path.basename(ex) in text:
                tested.add(os.path.basename(ex))
    missing = [os.path.basename(e) for e in glob.glob(os.path.join(h.SOURCE_DIR, "examples", "*.sh"))
               if os.path.basename(e) not in tested]
    h.eq(missing, [], "examples no test runs")


def test_relay_lesson(tmp):
    if not shutil.which("curl"):
        raise h.Skip("curl is not installed (scripts/setup-deps test installs it)")
    out = _run_example("relay-lesson.sh", timeout=60)
    h.check("  > POST /echo HTTP/1.1\\r\\n" in out and "  > X-Lesson: relay\\r\\n" in out, "the relay showed curl's bytes")
    h.check("response from the upstream" in out and "timing    request received" in out, "the exchange, timed")
    h.check("a byte-for-byte replay" in out, "the saved exchange replayed exactly:\n" + out[-2000:])
    h.check("  - Proxy-Connection: Keep-Alive\\r\\n" in out and "  + Via: 1.1 rawhttp\\r\\n" in out,
            "the proxy's changes shown:\n" + out[-2000:])


if __name__ == "__main__":
    h.main(globals())
