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
