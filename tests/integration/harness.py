"""Shared helpers for rawhttp's integration tests (standard library only).

Each test_*.py runs the built binary over real loopback sockets (127.0.0.1 or
::1 only), with every process and socket bounded in time. A test file defines
functions named test_*; `main()` runs them, prints one line per failure and
ends with `N passed, M failed`, exiting non-zero on any failure.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

SOURCE_DIR = os.environ.get("RAWHTTP_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
RAWHTTP = None  # set by main()
IN_CI = os.environ.get("CI") == "true"


class Skip(Exception):
    """Raised when a test cannot run here. In CI (CI=true) a skip is a failure."""


def run(args, timeout=20, stdin=None, env=None, cwd=None):
    """Runs rawhttp with args; returns (rc, stdout bytes, stderr bytes)."""
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
         "LANG": "C.UTF-8", "NO_COLOR": "1", "TERM": "dumb"}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if k in os.environ:
            e[k] = os.environ[k]
    if env:
        e.update(env)
    p = subprocess.Popen([RAWHTTP] + list(args), stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, cwd=cwd, start_new_session=True)
    try:
        out, err = p.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        raise AssertionError("rawhttp %s did not finish within %ss; stderr: %r" % (" ".join(args), timeout, err[-500:]))
    return p.returncode, out, err



def run_on_pty(args, timeout=10, step=None, env=None, want_rc=False):
    """Runs rawhttp ARGS with a pseudo-terminal as its stdin, stdout and stderr, as a
    person's terminal would be (TERM=xterm, NO_COLOR unset unless env sets it).
    `step(out)` is called after each read (and every 0.1 s) with everything the
    terminal got so far; bytes it returns are typed in (b"\x03" is Ctrl-C). Returns
    all the terminal got, including what was written just before the process
    exited; with want_rc, (exit code or None if it had to be killed, output)."""
    import pty
    import select
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.environ.pop("NO_COLOR", None)
        os.environ.update(env or {})
        os.execv(RAWHTTP, [RAWHTTP] + list(args))
    out = b""
    end = time.monotonic() + timeout
    exited = False
    rc = None

    def drain(wait):
        nonlocal out
        while select.select([fd], [], [], wait)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other side is gone
                return False
            if not chunk:
                return False
            out += chunk
            wait = 0
        return True

    try:
        while time.monotonic() < end:
            if not drain(0.1):
                break
            if step:
                typed = step(out)
                if typed:
                    os.write(fd, typed)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                exited = True
                rc = os.waitstatus_to_exitcode(status)
                drain(0.3)
                break
    finally:
        # The terminal closing (EIO) usually means the process is exiting: give it a moment.
        wait_end = time.monotonic() + (1.0 if time.monotonic() < end else 0)
        while not exited:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                exited = True
                rc = os.waitstatus_to_exitcode(status)
            elif time.monotonic() >= wait_end:
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
                break
            else:
                time.sleep(0.02)
        os.close(fd)
    return (rc, out) if want_rc else out


def run_measured(args, timeout=30, env=None):
    """Runs rawhttp; returns (rc, stdout, stderr, seconds, peak RSS in KiB)."""
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "NO_COLOR": "1"}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if k in os.environ:
            e[k] = os.environ[k]
    if env:
        e.update(env)
    # Peak memory comes from GNU time: a child forked from this Python process
    # would count Python's own pages in its high-water mark.
    gnu_time = "/usr/bin/time"
    if not os.path.exists(gnu_time):
        raise Skip("GNU time (/usr/bin/time) is not installed: scripts/setup-deps test installs it")
    out_f, err_f = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    rss_file = tempfile.NamedTemporaryFile(delete=False)
    rss_file.close()
    t0 = time.monotonic()
    p = subprocess.Popen([gnu_time, "-q", "-f", "%M", "-o", rss_file.name, RAWHTTP] + list(args),
                         stdin=subprocess.DEVNULL, stdout=out_f, stderr=err_f, env=e, start_new_session=True)
    deadline = t0 + timeout
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            os.killpg(p.pid, signal.SIGKILL)
            os.wait4(p.pid, 0)
            raise AssertionError("rawhttp %s did not finish within %ss" % (" ".join(args), timeout))
        time.sleep(0.01)
    took = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    out_f.seek(0)
    err_f.seek(0)
    with open(rss_file.name) as f:
        lines = [l for l in f.read().split() if l.isdigit()]
    os.unlink(rss_file.name)
    rss = int(lines[-1]) if lines else 0
    return p.returncode, out_f.read(), err_f.read(), took, rss


def asan_build():
    """Sanitizer builds use much more memory; memory bounds are checked on normal builds."""
    try:
        with open(RAWHTTP, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def run_json(args, timeout=20, **kw):
    rc, out, err = run(list(args) + ["--json"], timeout=timeout, **kw)
    try:
        doc = json.loads(out.decode("utf-8"))
    except Exception:
        raise AssertionError("stdout is not JSON (rc=%s): %r; stderr: %r" % (rc, out[:300], err[:300]))
    return rc, doc, err


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def eq(got, want, what="value"):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class PracticeServer:
    """`rawhttp serve 127.0.0.1:0` in the background, on the port it picked."""

    def __init__(self, *extra):
        self.tmp = tempfile.mkdtemp(prefix="rawhttp-serve-")
        portfile = os.path.join(self.tmp, "port")
        self.log = open(os.path.join(self.tmp, "log"), "wb")
        self.proc = subprocess.Popen([RAWHTTP, "serve", "127.0.0.1:0", "--port-file", portfile] + list(extra),
                                     stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if os.path.exists(portfile) and open(portfile).read().strip():
                self.port = int(open(portfile).read())
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise AssertionError("rawhttp serve did not start: %r" % open(os.path.join(self.tmp, "log"), "rb").read())

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        rc = self.proc.returncode
        shutil.rmtree(self.tmp, ignore_errors=True)
        return rc

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


class ScriptedServer:
    """A one-thread loopback server: for each connection, reads a request head
    (until an empty line or quiet for 200 ms), then sends `responses` pieces
    (bytes, or float seconds to sleep), then closes (or resets with
    close='reset', or holds with close='hold'). Records what it received."""

    def __init__(self, responses, close="close", connections=1, family=socket.AF_INET):
        self.responses = responses
        self.close = close
        self.received = []
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(10)
        self.port = self.sock.getsockname()[1]
        self.connections = connections
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        for _ in range(self.connections):
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            c.settimeout(0.2)
            data = b""
            end = time.monotonic() + 5
            while b"\r\n\r\n" not in data and b"\n\n" not in data and time.monotonic() < end:
                try:
                    chunk = c.recv(65536)
                except socket.timeout:
                    if data:
                        break
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                data += chunk
            self.received.append(data)
            try:
                for piece in self.responses:
                    if isinstance(piece, float):
                        time.sleep(piece)
                    elif callable(piece):
                        piece(c)  # writes what it likes (endless streams stop on the client's close)
                    else:
                        c.sendall(piece)
                if self.close == "reset":
                    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                elif self.close == "hold":
                    time.sleep(8)
            except OSError:
                pass
            c.close()

    def stop(self):
        self.sock.close()
        self.thread.join(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


def write_req(tmpdir, text, name="t.req"):
    p = os.path.join(tmpdir, name)
    with open(p, "wb") as f:
        f.write(text.encode("latin-1") if isinstance(text, str) else text)
    return p


def main(module_globals):
    global RAWHTTP
    ap = argparse.ArgumentParser()
    ap.add_argument("--rawhttp", required=True)
    ap.add_argument("-k", help="run only tests whose name contains this")
    a = ap.parse_args()
    RAWHTTP = os.path.abspath(a.rawhttp)
    tests = [(n, f) for n, f in sorted(module_globals.items()) if n.startswith("test_") and callable(f)]
    if a.k:
        tests = [(n, f) for n, f in tests if a.k in n]
    passed = failed = skipped = 0
    for name, fn in tests:
        tmp = tempfile.mkdtemp(prefix="rawhttp-it-")
        t0 = time.monotonic()
        try:
            fn(tmp)
            passed += 1
            print("ok   %s (%.2fs)" % (name, time.monotonic() - t0), flush=True)
        except Skip as s:
            if IN_CI:
                failed += 1
                print("FAIL %s: skipped in CI: %s" % (name, s), flush=True)
            else:
                skipped += 1
                print("skip %s: %s" % (name, s), flush=True)
        except Exception as e:
            failed += 1
            print("FAIL %s: %s" % (name, e), flush=True)
            if not isinstance(e, AssertionError):
                traceback.print_exc()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    tail = ", %d skipped" % skipped if skipped else ""
    print("%d passed, %d failed%s" % (passed, failed, tail))
    sys.exit(1 if failed else 0)


# ---------------------------------------------------------------- real servers
def _wait_port(port, proc, what, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError("%s exited at start (rc=%s)" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("%s did not start listening on 127.0.0.1:%d" % (what, port))


def make_tls_cert(folder, name="localhost"):
    """A self-signed CA and a server certificate for `name` (and 127.0.0.1),
    made with the openssl command. Returns (ca_pem, cert_pem, key_pem)."""
    if not shutil.which("openssl"):
        raise Skip("the openssl command is not installed")
    ca_key, ca = os.path.join(folder, "ca.key"), os.path.join(folder, "ca.pem")
    key, csr, cert = (os.path.join(folder, n) for n in ("server.key", "server.csr", "server.pem"))
    ext = os.path.join(folder, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:%s,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n" % name)
    def sh(*args):
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
       "-days", "2", "-subj", "/CN=rawhttp test CA")
    sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=%s" % name)
    sh("openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
       "-days", "2", "-extfile", ext)
    return ca, cert, key


class Nginx:
    """Debian's nginx on 127.0.0.1 with a configuration of its own in a temp
    folder. `tls=(cert, key)` adds a TLS listener (self.tls_port)."""

    def __init__(self, tls=None, locations=None):
        exe = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
        if not exe:
            raise Skip("nginx is not installed (scripts/setup-deps test installs it)")
        self.dir = tempfile.mkdtemp(prefix="rawhttp-nginx-")
        self.port = free_port()
        self.tls_port = free_port() if tls else None
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(self.dir, d))
        tls_server = ""
        if tls:
            tls_server = """
    server {
        listen 127.0.0.1:%d ssl;
        server_name localhost;
        ssl_certificate %s;
        ssl_certificate_key %s;
        location / { return 200 "hello over tls\\n"; }
    }""" % (self.tls_port, tls[0], tls[1])
        locs = locations or 'location / { return 200 "ok\\n"; }'
        conf = """daemon off;
master_process off;
worker_processes 1;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log;
events { worker_connections 256; }
http {
    access_log %(d)s/access.log;
    client_body_temp_path %(d)s/body;
    proxy_temp_path %(d)s/proxy;
    fastcgi_temp_path %(d)s/fastcgi;
    uwsgi_temp_path %(d)s/uwsgi;
    scgi_temp_path %(d)s/scgi;
    default_type text/plain;
    server {
        listen 127.0.0.1:%(port)d;
        server_name localhost;
        %(locs)s
    }%(tls)s
}
""" % {"d": self.dir, "port": self.port, "locs": locs, "tls": tls_server}
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen([exe, "-c", self.conf, "-p", self.dir, "-e", os.path.join(self.dir, "error.log")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        _wait_port(self.port, self.proc, "nginx")
        if self.tls_port:
            _wait_port(self.tls_port, self.proc, "nginx (tls)")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


NODE_SERVER = r"""
const http = require('http');
const srv = http.createServer({insecureHTTPParser: false}, (req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => { res.setHeader('Content-Type', 'text/plain'); res.end('ok\n'); });
});
srv.listen(0, '127.0.0.1', () => { console.log(srv.address().port); });
process.on('SIGTERM', () => process.exit(0));
"""


class Tinyproxy:
    """Debian's tinyproxy on 127.0.0.1 (a free port), a real forward proxy.
    CONNECT goes to any port, or only to `connect_port` when given."""

    def __init__(self, folder, connect_port=None):
        exe = shutil.which("tinyproxy") or ("/usr/bin/tinyproxy" if os.path.exists("/usr/bin/tinyproxy") else None)
        if not exe:
            raise Skip("tinyproxy is not installed (scripts/setup-deps test installs it)")
        self.port = free_port()
        self.address = "127.0.0.1:%d" % self.port
        conf = os.path.join(folder, "tinyproxy.conf")
        with open(conf, "w") as f:
            f.write("Port %d\nListen 127.0.0.1\nTimeout 10\nMaxClients 20\nAllow 127.0.0.1\nLogLevel Critical\n"
                    % self.port)
            if connect_port:
                f.write("ConnectPort %d\n" % connect_port)
        self.proc = subprocess.Popen([exe, "-d", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        _wait_port(self.port, self.proc, "tinyproxy")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


class NodeServer:
    """Node's strict `http` module on 127.0.0.1 (a free port)."""

    def __init__(self, script=NODE_SERVER):
        exe = shutil.which("node")
        if not exe:
            raise Skip("node is not installed (scripts/setup-deps test installs nodejs)")
        self.proc = subprocess.Popen([exe, "-e", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True)
        r, _, _ = select_readable(self.proc.stdout, 10)
        line = self.proc.stdout.readline() if r else b""
        if not line.strip().isdigit():
            self.stop()
            raise AssertionError("node server did not start: %r" % line)
        self.port = int(line)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


def select_readable(f, timeout):
    import select
    return select.select([f], [], [], timeout)


class Recorder:
    """Records every byte clients send (all connections, in order) and answers
    each request head (each CRLF CRLF or LF LF) with a minimal 200, keeping
    the connection open, so multi-request files can be checked byte for byte."""

    ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received = b""
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        import select
        clients = []
        pending = {}
        while not self._stop:
            r, _, _ = select.select([self.sock] + clients, [], [], 0.1)
            for s in r:
                if s is self.sock:
                    try:
                        c, _ = self.sock.accept()
                        clients.append(c)
                        pending[c] = b""
                        self.connections += 1
                    except OSError:
                        pass
                    continue
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    clients.remove(s)
                    s.close()
                    continue
                self.received += data
                pending[s] += data
                while True:
                    ends = [i for i in (pending[s].find(b"\r\n\r\n"), pending[s].find(b"\n\n")) if i >= 0]
                    if not ends:
                        break
                    cut = min(ends)
                    pending[s] = pending[s][cut + (4 if pending[s][cut:cut + 4] == b"\r\n\r\n" else 2):]
                    try:
                        s.sendall(self.ANSWER)
                    except OSError:
                        break
        for c in clients:
            c.close()

    def stop(self):
        self._stop = True
        self.thread.join(timeout=5)
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()
