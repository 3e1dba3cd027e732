"""rawhttp chat and rawhttp listen --chat, end to end: with piped input against
the practice server, and as a person would use them, under tmux (send-keys to
type, capture-pane to read the screen). Every tmux server here runs on a
private socket (-L) and is killed at the end."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from test_listen import EVIL, check_terminal_safe  # noqa: E402


# ------------------------------------------------------------- piped input

def test_piped_lines_to_the_practice_server(tmp):
    with h.PracticeServer() as srv:
        rc, out, err = h.run(["chat", "127.0.0.1", str(srv.port)], stdin=b"GET /echo HTTP/1.1\nHost: x\n\n")
    h.eq(rc, 0, "exit (the server closed after the half-close); stderr %r" % err)
    text = out.decode()
    h.check("< HTTP/1.1 200 OK\\r\\n" in text, "the response, CR/LF visible:\n" + text)
    # /echo sends back what chat wrote: each typed line went out with CRLF.
    h.check("< GET /echo HTTP/1.1\\r\\n" in text and "< Host: x\\r\\n" in text, "CRLF line ends:\n" + text)
    h.check(b"connected to 127.0.0.1:%d from 127.0.0.1:" % srv.port in err, "the connection note: %r" % err)
    h.check(b"closed the connection" in err, "the end note: %r" % err)


def test_eol_lf_sends_bare_lf_and_the_server_says_400(tmp):
    # Bare LF is a rule-book warning: serve accepts it by default, --strict rejects it.
    with h.PracticeServer("--strict") as srv:
        rc, out, err = h.run(["chat", "127.0.0.1", str(srv.port), "--eol", "lf", "-v"],
                             stdin=b"GET / HTTP/1.1\nHost: x\n\n")
    h.eq(rc, 0, "exit")
    text = out.decode()
    h.check("> GET / HTTP/1.1\\n" in text and "\\r" not in text.split("< ")[0], "-v shows bare LF sent:\n" + text)
    h.check("< HTTP/1.1 400 Bad Request\\r\\n" in text, "a strict server rejects bare LF:\n" + text)
    h.check("RFC 9112" in text, "its 400 names the rule:\n" + text)
    with h.PracticeServer() as srv:
        rc, out, err = h.run(["chat", "127.0.0.1", str(srv.port), "--eol", "lf"], stdin=b"GET / HTTP/1.1\nHost: x\n\n")
    text = out.decode()
    h.check("< HTTP/1.1 200 OK\\r\\n" in text and "Rawhttp-Warnings: bare-lf" in text,
            "by default the warning is tolerated and named:\n" + text)


def test_crlf_typed_or_piped_counts_once(tmp):
    with h.Recorder() as rec:
        rc, out, err = h.run(["chat", "127.0.0.1", str(rec.port)], stdin=b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", timeout=10)
        time.sleep(0.2)
        got = rec.received
    h.eq(got, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "no doubled CR")


def test_trace_shows_reads_and_writes_with_bytes(tmp):
    with h.PracticeServer() as srv:
        rc, out, err = h.run(["chat", "127.0.0.1", str(srv.port), "--trace"], stdin=b"GET / HTTP/1.1\nHost: x\n\n")
    h.eq(rc, 0, "exit")
    e = err.decode()
    h.check(re.search(r"\[ *[0-9.]+ ms\] > write \d+ bytes", e), "writes traced:\n" + e)
    h.check(re.search(r"\[ *[0-9.]+ ms\] < read \d+ bytes", e), "reads traced:\n" + e)
    h.check("  > GET / HTTP/1.1\\r\\n" in e and "  < HTTP/1.1 200 OK\\r\\n" in e, "the bytes, escaped:\n" + e)


def test_hex(tmp):
    with h.PracticeServer() as srv:
        rc, out, err = h.run(["chat", "127.0.0.1", str(srv.port), "--hex"], stdin=b"GET /status/204 HTTP/1.1\nHost: x\n\n")
    h.eq(rc, 0, "exit")
    h.check(b"00000000  48 54 54 50 2f 31 2e 31  20 32 30 34 20 4e 6f 20  |HTTP/1.1 204 No |" in out,
            "a hexdump: %r" % out[:300])


def test_connection_refused_is_7_and_bad_port_is_2(tmp):
    rc, out, err = h.run(["chat", "127.0.0.1", str(h.free_port())], stdin=b"")
    h.eq(rc, 7, "refused")
    rc, out, err = h.run(["chat", "127.0.0.1", "70000"], stdin=b"")
    h.eq(rc, 2, "bad port")


def test_help_has_examples(tmp):
    rc, out, err = h.run(["chat", "--help"])
    h.eq(rc, 0, "exit")
    h.check(b"Examples:" in out and b"--eol" in out and b"--trace" in out and b"Ctrl-D" in out, "help: %r" % out)


def test_max_time_is_28(tmp):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    try:
        # stdin stays open (a pipe never written), the server never answers.
        p = subprocess.Popen([h.RAWHTTP, "chat", "127.0.0.1", str(srv.getsockname()[1]), "--max-time", "0.5"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        try:
            rc = p.wait(timeout=10)
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
            p.stdin.close()
            p.stdout.close()
            p.stderr.close()
    finally:
        srv.close()
    h.eq(rc, 28, "exit")


def test_ctrl_c_during_a_slow_connect_leaves_at_once(tmp):
    # A listener whose backlog is full: the kernel drops further SYNs, so a
    # connect to it hangs (on loopback, without any network).
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    port = srv.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            f = socket.socket()
            f.setblocking(False)
            try:
                f.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            fillers.append(f)
        time.sleep(0.2)
        p = subprocess.Popen([h.RAWHTTP, "chat", "127.0.0.1", str(port), "--connect-timeout", "20"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
        time.sleep(0.7)
        if p.poll() is not None:
            p.stdin.close()
            p.stderr.close()
            raise h.Skip("this kernel did not hold the connect (exit %s)" % p.returncode)
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=5)
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
            p.stdin.close()
            p.stderr.close()
        took = time.monotonic() - t0
    finally:
        for f in fillers:
            f.close()
        srv.close()
    h.check(took < 2, "Ctrl-C ended the connect at once (%.1fs)" % took)
    h.check(p.returncode in (-signal.SIGINT, 130), "exit %s" % p.returncode)


def test_listen_chat_with_piped_input_both_ways(tmp):
    """Bob (listen --chat) and Alice (chat), both with piped input."""
    portfile = os.path.join(tmp, "pf")
    b_out_path, b_err_path = os.path.join(tmp, "bob.out"), os.path.join(tmp, "bob.err")
    with open(b_out_path, "wb") as bo, open(b_err_path, "wb") as be:
        bob = subprocess.Popen([h.RAWHTTP, "listen", "127.0.0.1:0", "--chat", "--port-file", portfile,
                                "--max-time", "15", "--trace", "--save", os.path.join(tmp, "alice.req")], stdin=subprocess.PIPE, stdout=bo, stderr=be,
                               start_new_session=True, env=dict(os.environ, NO_COLOR="1"))
    try:
        end = time.monotonic() + 10
        while not (os.path.exists(portfile) and open(portfile).read().strip()) and time.monotonic() < end:
            time.sleep(0.02)
        port = int(open(portfile).read())
        # Alice types her line and keeps her input open; Bob closes his input (Ctrl-D:
        # his line, then FIN) only once he has seen hers. Closing it earlier would race:
        # a FIN that reaches Alice before her line is sent ends her chat, as with nc.
        alice = subprocess.Popen([h.RAWHTTP, "chat", "127.0.0.1", str(port)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            alice.stdin.write(b"hi Bob\n")
            alice.stdin.flush()
            bob.stdin.write(b"hello Alice\n")
            bob.stdin.flush()
            end = time.monotonic() + 10
            while b"< hi Bob" not in open(b_out_path, "rb").read() and time.monotonic() < end:
                time.sleep(0.02)
            bob.stdin.close()
            a_out, a_err = alice.communicate(timeout=15)
            rc = alice.returncode
        finally:
            if alice.poll() is None:
                os.killpg(alice.pid, signal.SIGKILL)
                alice.wait()
        bob.wait(timeout=15)
        b_out, b_err = open(b_out_path, "rb").read(), open(b_err_path, "rb").read()
    finally:
        if bob.poll() is None:
            os.killpg(bob.pid, signal.SIGKILL)
            bob.wait()
    h.eq(rc, 0, "Alice's exit")
    h.eq(bob.returncode, 0, "Bob's exit; stderr %r" % b_err)
    h.check(b"< hello Alice\\r\\n" in a_out, "Alice saw Bob's line: %r" % a_out)
    h.check(b"< hi Bob\\r\\n" in b_out, "Bob saw Alice's line: %r" % b_out)
    rc, composed, err = h.run(["compose", os.path.join(tmp, "alice.req")])
    h.eq((rc, composed), (0, b"hi Bob\r\n"), "--save kept what Alice sent, exact (%r)" % err)
    h.check(re.search(rb"\] > write 13 bytes\n  > hello Alice\\r\\n\n", b_err) and
            re.search(rb"\] < read 8 bytes\n  < hi Bob\\r\\n\n", b_err), "Bob's --trace: %r" % b_err)


def test_chat_on_a_terminal_escapes_what_arrives(tmp):
    import threading
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(10)
    port = srv.getsockname()[1]

    def serve_evil():
        try:
            c, _ = srv.accept()
            c.sendall(EVIL)
            time.sleep(0.3)
            c.close()
        except OSError:
            pass
    t = threading.Thread(target=serve_evil, daemon=True)
    t.start()
    try:
        out = h.run_on_pty(["chat", "127.0.0.1", str(port)], timeout=10)
    finally:
        t.join(timeout=5)
        srv.close()
    check_terminal_safe(out)


# ------------------------------------------------------------------- tmux

class Tmux:
    """A private tmux server (-L) with no user configuration; killed on exit."""

    def __init__(self, tmp):
        if not shutil.which("tmux"):
            raise h.Skip("tmux is not installed (scripts/setup-deps test installs it)")
        self.sock = "rawhttp-test-%d-%d" % (os.getpid(), int(time.monotonic() * 1000))
        self.tmp = tmp

    def tmux(self, *args, check=True):
        p = subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null"] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=10)
        if check and p.returncode != 0:
            raise AssertionError("tmux %s: %r" % (" ".join(args), p.stderr))
        return p.stdout.decode("utf-8", "replace")

    def start(self, name, argv):
        """A session running argv; when it exits, the pane shows [exit N] and stays."""
        rcfile = os.path.join(self.tmp, name + ".rc")
        cmd = " ".join(_quote(a) for a in argv)
        shell = "%s; rc=$?; echo \"[exit $rc]\"; echo $rc > %s; sleep 60" % (cmd, _quote(rcfile))
        self.tmux("new-session", "-d", "-s", name, "-x", "160", "-y", "40",
                  "env NO_COLOR=1 TERM=xterm LANG=C.UTF-8 bash --norc --noprofile -c %s" % _quote(shell))
        return rcfile

    def keys(self, name, *keys):
        self.tmux("send-keys", "-t", name, *keys)

    def type_line(self, name, text):
        self.tmux("send-keys", "-t", name, "-l", text)
        self.tmux("send-keys", "-t", name, "Enter")

    def screen(self, name):
        return self.tmux("capture-pane", "-p", "-J", "-t", name, "-S", "-200")

    def wait_for(self, name, text, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            s = self.screen(name)
            if text in s:
                return s
            time.sleep(0.05)
        raise AssertionError("%r never appeared on %s's screen:\n%s" % (text, name, self.screen(name)))

    def rc(self, rcfile, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if os.path.exists(rcfile) and open(rcfile).read().strip():
                return int(open(rcfile).read())
            time.sleep(0.05)
        raise AssertionError("no exit code in %s" % rcfile)

    def kill(self):
        self.tmux("kill-server", check=False)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.kill()


def _quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def _bob_and_alice(t, tmp):
    portfile = os.path.join(tmp, "bob.port")
    bob_rc = t.start("bob", [h.RAWHTTP, "listen", "127.0.0.1:0", "--chat", "--port-file", portfile, "--max-time", "60"])
    end = time.monotonic() + 10
    while not (os.path.exists(portfile) and open(portfile).read().strip()):
        if time.monotonic() > end:
            raise AssertionError("Bob's listen did not start:\n" + t.screen("bob"))
        time.sleep(0.05)
    port = int(open(portfile).read())
    alice_rc = t.start("alice", [h.RAWHTTP, "chat", "127.0.0.1", str(port), "--max-time", "60"])
    t.wait_for("alice", "connected to 127.0.0.1:%d" % port)
    t.wait_for("bob", "client 127.0.0.1:")
    # Lines both ways, as typed.
    t.type_line("alice", "Hello Bob, this is Alice")
    t.wait_for("bob", "< Hello Bob, this is Alice\\r\\n")
    t.type_line("bob", "Hi Alice! Bob here.")
    t.wait_for("alice", "< Hi Alice! Bob here.\\r\\n")
    t.type_line("alice", "GET / HTTP/1.1")
    t.wait_for("bob", "< GET / HTTP/1.1\\r\\n")
    return bob_rc, alice_rc


def test_tmux_bob_and_alice_then_ctrl_d_both(tmp):
    with Tmux(tmp) as t:
        bob_rc, alice_rc = _bob_and_alice(t, tmp)
        # Alice presses Ctrl-D: her side half-closes; Bob is told, and may still answer.
        t.keys("alice", "C-d")
        t.wait_for("alice", "end of input: sent FIN")
        t.wait_for("bob", "the other side sent FIN")
        t.type_line("bob", "one last line")
        t.wait_for("alice", "< one last line\\r\\n")
        # Bob's Ctrl-D closes his side too: the conversation is over for both.
        t.keys("bob", "C-d")
        h.eq(t.rc(bob_rc), 0, "Bob's exit\n" + t.screen("bob"))
        h.eq(t.rc(alice_rc), 0, "Alice's exit\n" + t.screen("alice"))
        bob, alice = t.screen("bob"), t.screen("alice")
    h.check("< Hello Bob, this is Alice\\r\\n" in bob and "< GET / HTTP/1.1\\r\\n" in bob, "Bob's screen:\n" + bob)
    h.check("< Hi Alice! Bob here.\\r\\n" in alice and "closed the connection" in alice, "Alice's screen:\n" + alice)


def test_tmux_ctrl_c_leaves_with_130(tmp):
    with Tmux(tmp) as t:
        bob_rc, alice_rc = _bob_and_alice(t, tmp)
        t.keys("alice", "C-c")
        h.eq(t.rc(alice_rc), 130, "Alice's exit\n" + t.screen("alice"))
        t.wait_for("alice", "left the conversation (Ctrl-C)")
        # Bob sees Alice gone (her FIN); Ctrl-C leaves his side too.
        t.wait_for("bob", "the other side sent FIN")
        t.keys("bob", "C-c")
        h.eq(t.rc(bob_rc), 130, "Bob's exit\n" + t.screen("bob"))


def test_tmux_chat_with_the_practice_server(tmp):
    with h.PracticeServer() as srv, Tmux(tmp) as t:
        rc = t.start("alice", [h.RAWHTTP, "chat", "127.0.0.1", str(srv.port), "--max-time", "60"])
        t.wait_for("alice", "connected to")
        for line in ("GET /status/201 HTTP/1.1", "Host: localhost", ""):
            t.type_line("alice", line)
        t.wait_for("alice", "< HTTP/1.1 201 Created\\r\\n")
        t.type_line("alice", "GET /nope HTTP/1.1")  # keep-alive: a second request on the same connection
        t.type_line("alice", "Host: localhost")
        t.type_line("alice", "Connection: close")
        t.type_line("alice", "")
        t.wait_for("alice", "< HTTP/1.1 404 Not Found\\r\\n")
        h.eq(t.rc(rc), 0, "exit once the server closed\n" + t.screen("alice"))


def test_host_colon_port_says_to_write_them_apart(tmp):
    # `rawhttp chat 127.0.0.1:8080` (the URL habit) got only "PORT is required".
    rc, out, err = h.run(["chat", "127.0.0.1:8080"])
    h.eq(rc, 2, "exit")
    h.check(b"write HOST and PORT apart" in err and b"rawhttp chat 127.0.0.1 8080" in err, "message: %r" % err)
    rc, out, err = h.run(["chat", "127.0.0.1"])
    h.eq(rc, 2, "exit without PORT")
    h.check(b"PORT is required" in err, "message: %r" % err)


if __name__ == "__main__":
    h.main(globals())
