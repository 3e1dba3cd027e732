"""send --to A --to B: one request's exact bytes to several servers, and a
grid of what each answered; nginx and Node disagree on a bare-LF request."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

BARE_LF = "GET / HTTP/1.1\nHost: localhost\n\n"


def test_nginx_and_node_disagree_on_bare_lf(tmp):
    req = h.write_req(tmp, "@eol = lf\n" + BARE_LF)
    with h.Nginx() as ng, h.NodeServer() as node:
        a, b = "127.0.0.1:%d" % ng.port, "127.0.0.1:%d" % node.port
        rc, out, err = h.run(["send", req, "--to", a, "--to", b, "--max-time", "5"])
        rc_j, doc, err_j = h.run_json(["send", req, "--to", a, "--to", b, "--max-time", "5"])
    text = out.decode()
    h.eq(rc, 0, "exit (%r)" % err)
    h.check(a in text and b in text, "a column per server:\n" + text)
    status = [l for l in text.splitlines() if "status" in l.split()[:2]]
    h.check(status and status[0].startswith("* ") and "200" in status[0] and "400" in status[0],
            "nginx 200, Node 400, the row marked:\n" + text)
    h.check("they differ in: status" in text, "the difference named:\n" + text)
    # both got exactly the same bytes: the bare LFs
    h.eq(rc_j, 0, "json exit")
    h.eq([t["target"] for t in doc["targets"]], [a, b], "targets in order")
    sent = [t["exchanges"][0]["request"]["text"] for t in doc["targets"]]
    h.eq(sent, [BARE_LF, BARE_LF], "the same bytes to each")
    h.eq([t["exchanges"][0]["response"]["status"] for t in doc["targets"]], [200, 400], "statuses")
    h.check("status" in doc["differences"][0], "differences: %r" % doc["differences"])
    for t in doc["targets"]:
        h.check(len(t["exchanges"][0]["response"]["body_sha1"]) == 40, "a body hash for %s" % t["target"])


def test_agreeing_servers_and_a_dead_one(tmp):
    dead = h.free_port()
    with h.PracticeServer() as s1, h.PracticeServer() as s2:
        req = h.write_req(tmp, "GET /hello HTTP/1.1\nHost: x\n\n")
        a, b = "127.0.0.1:%d" % s1.port, "127.0.0.1:%d" % s2.port
        rc, out, err = h.run(["send", req, "--to", a, "--to", b])
        text = out.decode()
        h.eq(rc, 0, "exit (%r)" % err)
        h.check("the servers agree" in text and "* " not in text, "no row marked:\n" + text)
        rc, out, err = h.run(["send", req, "--to", a, "--to", "127.0.0.1:%d" % dead])
    text = out.decode()
    h.eq(rc, 7, "a refused connection is send's exit 7")
    h.check("error at 127.0.0.1:%d: connect" % dead in text, "the error in full:\n" + text)


def test_usage_errors(tmp):
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: x\n\n")
    for extra, word in ((["-v"], "-v"), (["--via", "curl"], "--via curl"), (["-o", os.path.join(tmp, "b")], "-o"),
                        (["--show", "raw"], "--show")):
        rc, out, err = h.run(["send", req, "--to", "127.0.0.1:9", "--to", "127.0.0.1:10"] + extra)
        h.eq(rc, 2, "exit for %s" % word)
        h.check(("send: %s goes with one --to" % word).encode() in err, "message for %s: %r" % (word, err))
    rc, out, err = h.run(["send", req, "--to", "127.0.0.1:9", "--to", "no port:x"])
    h.eq(rc, 2, "a bad destination is refused before anything is sent")
    h.eq(out, b"", "nothing sent or shown")


if __name__ == "__main__":
    h.main(globals())
