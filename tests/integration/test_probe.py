"""rawhttp probe against real servers started here: serve (default and
--strict), nginx and Node's http. Their verdicts are recorded in
tests/fixtures/probe-verdicts.json (RAWHTTP_UPDATE_VERDICTS=1 rewrites it for
review); every test goes only to the 127.0.0.1 servers named."""
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

RECORD = os.path.join(h.SOURCE_DIR, "tests", "fixtures", "probe-verdicts.json")
UPDATE = os.environ.get("RAWHTTP_UPDATE_VERDICTS") == "1"


def probe_json(target, *extra, timeout=90):
    t0 = time.monotonic()
    rc, out, err = h.run(["probe", target, "--json", "--idle-timeout", "2"] + list(extra), timeout=timeout)
    took = time.monotonic() - t0
    h.check(rc in (0, 1), "probe %s exit %d (stderr %r)" % (target, rc, err[-400:]))
    doc = json.loads(out)
    h.check(took < 60, "probe of %s took %.1fs, bound 60 s" % (target, took))
    return rc, doc


def answers(doc):
    return {t["id"]: "%s %s" % (t["status"], t["verdict"]) for t in doc["tests"]}


def node_version():
    return subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=10).stdout.strip()


def nginx_version():
    p = subprocess.run(["nginx", "-v"], capture_output=True, text=True, timeout=10)
    return p.stderr.strip().split("/")[-1]


def test_verdicts_of_serve_nginx_and_node_are_the_recorded_ones(tmp):
    got = {}
    with h.PracticeServer("-q") as srv:
        rc, doc = probe_json(srv.address)
        got["serve"] = doc
    with h.PracticeServer("-q", "--strict") as srv:
        rc, doc = probe_json(srv.address)
        got["serve --strict"] = doc
    with h.Nginx() as ng:
        rc, doc = probe_json("127.0.0.1:%d" % ng.port)
        got["nginx"] = doc
    with h.NodeServer() as node:
        rc, doc = probe_json("127.0.0.1:%d" % node.port)
        got["node"] = doc
    for name, doc in got.items():
        h.check(len(doc["tests"]) >= 100, "%s: %d tests" % (name, len(doc["tests"])))
        s = doc["score"]
        h.eq(s["pass"] + s["warn"] + s["fail"], sum(1 for t in doc["tests"] if t["rule"]), name + ": score counts")
    record = {"about": "What rawhttp probe judged for each server (answer and verdict per test). Written by "
                       "tests/integration/test_probe.py with RAWHTTP_UPDATE_VERDICTS=1.",
              "servers": {"nginx": nginx_version(), "node": node_version()},
              "verdicts": {name: answers(doc) for name, doc in got.items()},
              "scores": {name: doc["score"] for name, doc in got.items()}}
    if UPDATE:
        with open(RECORD, "w") as f:
            json.dump(record, f, indent=2, sort_keys=True)
            f.write("\n")
        return
    with open(RECORD) as f:
        want = json.load(f)
    h.eq(record["servers"], want["servers"], "the recorded server versions (RAWHTTP_UPDATE_VERDICTS=1 re-records)")
    for name in got:
        diff = ["%s: got %r, recorded %r" % (k, record["verdicts"][name].get(k), v)
                for k, v in sorted(want["verdicts"][name].items()) if record["verdicts"][name].get(k) != v]
        extra = sorted(set(record["verdicts"][name]) - set(want["verdicts"][name]))
        h.check(not diff and not extra, "%s differs from the record:\n  %s\n  new: %s" % (name, "\n  ".join(diff), extra))
    # serve itself: no failure, and --strict at least as strict as Node.
    h.eq(got["serve"]["score"]["fail"], 0, "serve fails no test")
    strict, node = got["serve --strict"]["score"], got["node"]["score"]
    h.check(strict["pass"] + strict["warn"] >= node["pass"] + node["warn"] and strict["pass"] >= node["pass"],
            "serve --strict %r against Node %r" % (strict, node))


def test_two_servers_side_by_side_mark_where_they_differ(tmp):
    # nginx accepts a bare LF; Node refuses it.
    with h.Nginx() as ng, h.NodeServer() as node:
        a, b = "127.0.0.1:%d" % ng.port, "127.0.0.1:%d" % node.port
        rc, out, err = h.run(["probe", a, b, "--only", "bare-lf,host-missing"], timeout=60)
        h.check(rc in (0, 1), "exit %d (%r)" % (rc, err[-300:]))
        text = out.decode()
        h.check("* bare-lf " in text, "bare-lf marked as a difference:\n" + text)
        h.check("  host-missing " in text, "host-missing answered alike, not marked:\n" + text)
        h.check(("#1 " + a) in text and ("#2 " + b) in text, "a score line per server:\n" + text)
        rc, out, err = h.run(["probe", a, b, "--only", "bare-lf", "--json"], timeout=60)
        doc = json.loads(out)
        h.eq([t["target"] for t in doc["targets"]], [a, b], "--json: one entry per target, in order")
        by = {d["target"]: {t["id"]: t for t in d["tests"]} for d in doc["targets"]}
        h.eq(by[a]["bare-lf"]["status"], "200", "nginx accepts a bare LF")
        h.eq(by[b]["bare-lf"]["status"], "400", "Node refuses it")
        h.eq(by[a]["bare-lf"]["rule"], "bare-lf", "the rule id")
        h.eq(by[a]["bare-lf"]["level"], "MAY", "the RFC's level")


def test_a_failure_is_exit_1_and_says_why(tmp):
    # A server that answers 200 to everything accepts what a server MUST reject.
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    srv.settimeout(20)
    port = srv.getsockname()[1]
    stop = []

    def serve():
        while not stop:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            c.settimeout(2)
            try:
                c.recv(65536)
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            c.close()
    t = h.threading.Thread(target=serve, daemon=True)
    t.start()
    rc, out, err = h.run(["probe", "127.0.0.1:%d" % port, "--only", "content-length-with-transfer-encoding,bare-lf",
                          "--idle-timeout", "2"], timeout=60)
    stop.append(1)
    srv.close()
    text = out.decode()
    h.eq(rc, 1, "exit 1 when a test fails (stderr %r)" % err[-300:])
    h.check("content-length-with-transfer-encoding " in text and "fail" in text, text)
    h.check("where the RFC says a server MUST reject it (400)" in text, "the why of a failure:\n" + text)
    h.check("bare-lf" in text and "warn" in text, "a leniency is a warning:\n" + text)


def test_req_files_are_probed_and_judged_by_their_rule(tmp):
    mine = h.write_req(tmp, "# my lesson\nGET / HTTP/1.1\nHost: localhost:{{port}}\n\n", "mine.req")
    with h.PracticeServer("-q") as lenient, h.PracticeServer("-q", "--strict") as strict:
        rc, doc, err = h.run_json(["probe", "127.0.0.1:%d" % lenient.port, "127.0.0.1:%d" % strict.port,
                                   "--req", "broken-bare-lf.req", "--req", mine])
    h.eq(rc, 0, "exit (%r)" % err)
    for target, bare_lf in zip(doc["targets"], (("200", "warn"), ("400", "pass"))):
        tests = {t["id"]: t for t in target["tests"]}
        h.eq(sorted(i for i, t in tests.items() if t["category"] != "control"), ["broken-bare-lf.req", "mine.req"],
             "--req alone: the files and the controls only")
        t = tests["broken-bare-lf.req"]
        h.eq((t["rule"], t["status"], t["verdict"]), ("bare-lf",) + bare_lf, "the gallery lesson on " + target["target"])
        h.eq((tests["mine.req"]["rule"], tests["mine.req"]["verdict"]), (None, "pass"), "a valid file, accepted")
    rc, out, err = h.run(["probe", "127.0.0.1:9", "--req", os.path.join(tmp, "nope.req")])
    h.eq(rc, 2, "a missing file is a usage error, before anything is sent")
    h.check(b"nope.req" in err, "named: %r" % err)


def test_a_server_that_never_answers_cannot_be_judged(tmp):
    with h.ScriptedServer([], close="hold", connections=4) as srv:
        rc, out, err = h.run(["probe", "127.0.0.1:%d" % srv.port, "--idle-timeout", "1", "--only", "bare-lf"],
                             timeout=30)
    h.eq(rc, 28, "no answer to the valid GET: exit 28 (%r)" % err[-300:])
    h.check(b"did not answer a valid GET (timeout)" in err, "says why: %r" % err[-300:])
    h.eq(out, b"", "no grid of meaningless verdicts")


def test_list_and_usage_errors(tmp):
    rc, out, err = h.run(["probe", "--list"])
    h.eq(rc, 0, "--list")
    lines = out.decode().splitlines()
    h.check(len(lines) >= 100, "%d tests listed" % len(lines))
    h.check(any(l.startswith("content-length-with-transfer-encoding ") for l in lines), "smuggling tests listed")
    rc, out, err = h.run(["probe", "--list", "--category", "framing"])
    h.check(rc == 0 and all(" framing " in l for l in out.decode().splitlines()), "--category filters: %r" % out[:300])
    for args, phrase in [(["probe"], b"name the server to probe"),
                         (["probe", "nonsense"], b"is not HOST:PORT"),
                         (["probe", "127.0.0.1:1", "--category", "nope"], b"unknown --category 'nope'"),
                         (["probe", "127.0.0.1:1", "--only", "zzz*"], b"no probe test matches --only zzz*"),
                         (["probe", "127.0.0.1:1", "--parallel", "0"], b"--parallel takes a number from 1 to 64"),
                         (["probe", "127.0.0.1:1", "--idle-timeout", "0"], b"above 0")]:
        rc, out, err = h.run(args)
        h.eq(rc, 2, "%s: exit" % args)
        h.check(phrase in err, "%s: says %r: %r" % (args, phrase, err[-300:]))
    port = h.free_port()
    rc, out, err = h.run(["probe", "127.0.0.1:%d" % port], timeout=30)
    h.eq(rc, 7, "nothing listening: exit 7 (%r)" % err[-300:])
    h.check(b"cannot reach 127.0.0.1:%d" % port in err and b"nothing was sent" in err, "says so once: %r" % err[-300:])
    rc, out, err = h.run(["probe", "--help"])
    h.check(rc == 0 and b"servers you" in out and b"--only" in out, "help: %r" % out[-600:])


if __name__ == "__main__":
    h.main(globals())
