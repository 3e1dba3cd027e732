"""Runs every walk-through in examples/ against the built binary, so they never rot."""
import glob
import os
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
    h.check("400" in out, "bare LF is rejected with a 400")


def test_lint_lesson(tmp):
    out = _run_example("lint-lesson.sh")
    h.check("broken-space-before-colon.req" in out and "space-before-colon" in out, "the table has the lesson")
    h.check("why the server may have answered 400" in out, "send's why section is shown")
    h.check("RFC 9112 §5.1" in out, "the RFC section is named")


def test_every_example_is_tested(tmp):
    tested = {"netcat-lesson.sh", "lint-lesson.sh"}
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


if __name__ == "__main__":
    h.main(globals())
