"""The connection's later turns: 101 Switching Protocols (WebSocket frames
decoded, Sec-WebSocket-Accept checked) and CONNECT tunnels (through a scripted
proxy and Debian's tinyproxy, plain and with TLS inside)."""
import base64
import hashlib
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from test_live import Scripted  # noqa: E402

KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455's own example key
WS_REQ = ("GET /chat HTTP/1.1\nHost: x\nUpgrade: websocket\nConnection: Upgrade\n"
          "Sec-WebSocket-Key: %s\nSec-WebSocket-Version: 13\n\n" % KEY)


def accept_for(key):
    return base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()


def ws_server(accept, then_close=True):
    def script(c, s):
        s.read_head(c)
        c.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  b"Sec-WebSocket-Accept: " + accept.encode() + b"\r\n\r\n")
        c.sendall(b"\x81\x05hello" + b"\x89\x00")  # a text frame, then a ping
        if not then_close:
            s.read_more(c, 1, 5)  # until the client goes
    return script


def test_101_websocket_frames_decoded_and_accept_checked(tmp):
    assert accept_for(KEY) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # RFC 6455 §1.3
    req = h.write_req(tmp, WS_REQ)
    with Scripted(ws_server(accept_for(KEY)), connections=2) as srv:
        rc, doc, err = h.run_json(["send", req, "--to", srv.address])
        rc2, out, err2 = h.run(["send", req, "--to", srv.address])
    h.eq((rc, rc2), (0, 0), "exits (%r %r)" % (err, err2))
    r = doc["exchanges"][0]["response"]
    h.eq(r["status"], 101, "status")
    sw = r["switched"]
    h.eq(sw["bytes"], 9, "bytes after the head")
    h.eq(sw["websocket"]["accept_ok"], True, "the accept matches")
    f = sw["frames"]
    h.eq([(x["fin"], x["type"], x["masked"], x["length"]) for x in f],
         [(True, "text", False, 5), (True, "ping", False, 0)], "frames")
    h.eq(f[0]["payload"], "hello", "payload")
    h.check(b"Sec-WebSocket-Accept matches the key sent" in out, "the view checks it: %r" % out)
    h.check(b"frame 1  FIN, text (0x1), unmasked, 5 bytes" in out and b"      hello" in out, "frames shown: %r" % out)


def test_101_wrong_accept_and_a_server_that_stays(tmp):
    req = h.write_req(tmp, WS_REQ)
    with Scripted(ws_server("d3Jvbmc=", then_close=False)) as srv:
        rc, out, err = h.run(["send", req, "--to", srv.address, "--upgrade-wait", "0.3"])
    h.eq(rc, 0, "exit: %r" % err)
    h.check(b"Sec-WebSocket-Accept is wrong: the key sent calls for s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in out,
            "names the expected value: %r" % out)
    h.check(b"frame 2  FIN, ping (0x9)" in out, "frames still decoded: %r" % out)


class Proxy:
    """A scripted forward proxy: answers CONNECT with 200 and relays bytes both
    ways; counts the clients that connected and the CONNECT lines it saw."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(10)
        self.address = "127.0.0.1:%d" % self.sock.getsockname()[1]
        self.clients = 0
        self.connects = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            c, _ = self.sock.accept()
        except OSError:
            return
        self.clients += 1
        c.settimeout(5)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = c.recv(4096)
            if not chunk:
                return
            head += chunk
        line = head.split(b"\r\n")[0].decode()
        self.connects.append(line)
        host, port = line.split()[1].rsplit(":", 1)
        up = socket.create_connection((host, int(port)), timeout=5)
        c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        end = time.monotonic() + 10
        try:
            while time.monotonic() < end:
                r, _, _ = select.select([c, up], [], [], 0.5)
                for s in r:
                    data = s.recv(65536)
                    if not data:
                        raise EOFError
                    (up if s is c else c).sendall(data)
        except (EOFError, OSError):
            pass
        up.close()
        c.close()

    def stop(self):
        self.sock.close()
        self.thread.join(timeout=15)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


def tunnel_req(tmp, target, host):
    return h.write_req(tmp, "CONNECT %s HTTP/1.1\nHost: %s\n\n###\nGET / HTTP/1.1\nHost: %s\nConnection: close\n\n"
                       % (target, target, host))


def check_through_tunnel(doc, target, what):
    ex = doc["exchanges"]
    h.eq(len(ex), 2, "%s: two exchanges" % what)
    h.eq(ex[0]["response"]["status"], 200, "%s: CONNECT answered" % what)
    h.eq(ex[1]["connection"].get("tunnel"), target, "%s: the second went through the tunnel" % what)
    h.eq(ex[1]["connection"]["number"], 1, "%s: on the same connection" % what)
    h.eq(ex[1]["response"]["status"], 200, "%s: the target answered" % what)
    return ex[1]


def test_connect_tunnel_through_a_scripted_proxy(tmp):
    with h.PracticeServer() as target, Proxy() as proxy:
        rc, doc, err = h.run_json(["send", tunnel_req(tmp, target.address, target.address), "--to", proxy.address])
        h.eq(rc, 0, "exit (%r)" % err)
    second = check_through_tunnel(doc, target.address, "plain")
    h.check("rawhttp-serve" in str(second["response"]["headers"]), "serve answered: %r" % second["response"]["headers"])
    h.eq(proxy.clients, 1, "one connection to the proxy")
    h.eq(proxy.connects, ["CONNECT %s HTTP/1.1" % target.address], "the proxy saw the CONNECT")


def test_connect_tunnel_with_tls_inside(tmp):
    ca, cert, key = h.make_tls_cert(tmp)
    with h.Nginx(tls=(cert, key)) as nginx, Proxy() as proxy:
        target = "127.0.0.1:%d" % nginx.tls_port
        req = tunnel_req(tmp, target, "localhost:%d" % nginx.tls_port)
        rc, doc, err = h.run_json(["send", req, "--to", proxy.address, "--tls", "--cacert", ca])
        h.eq(rc, 0, "exit (%r)" % err)
    second = check_through_tunnel(doc, target, "tls inside")
    h.check(second["connection"]["tls"] and second["connection"]["tls"]["version"].startswith("TLS"),
            "TLS inside the tunnel: %r" % second["connection"])
    h.eq(second["response"]["body"], "hello over tls\n", "nginx's TLS server answered")
    h.check(doc["exchanges"][0]["connection"]["tls"] is None, "the proxy itself was spoken to in plain TCP")


def test_connect_tunnel_through_tinyproxy_plain_and_tls(tmp):
    ca, cert, key = h.make_tls_cert(tmp)
    with h.PracticeServer() as target, h.Nginx(tls=(cert, key)) as nginx, h.Tinyproxy(tmp) as proxy:
        rc, doc, err = h.run_json(["send", tunnel_req(tmp, target.address, target.address), "--to", proxy.address])
        h.eq(rc, 0, "plain: exit (%r)" % err)
        check_through_tunnel(doc, target.address, "tinyproxy plain")
        tls_target = "127.0.0.1:%d" % nginx.tls_port
        rc, doc, err = h.run_json(["send", tunnel_req(tmp, tls_target, "localhost:%d" % nginx.tls_port),
                                   "--to", proxy.address, "--tls", "--cacert", ca])
        h.eq(rc, 0, "tls: exit (%r)" % err)
        second = check_through_tunnel(doc, tls_target, "tinyproxy tls")
        h.eq(second["response"]["body"], "hello over tls\n", "through tinyproxy, TLS inside")
        rc, out, err = h.run(["send", tunnel_req(tmp, target.address, target.address), "--to", proxy.address,
                              "--trace"])
        h.eq(rc, 0, "text: exit (%r)" % err)
    h.check(b"(the tunnel to %s through the proxy)" % target.address.encode() in out, "the view says so: %r" % out)
    h.check(b"tunnel to %s open" % target.address.encode() in err, "--trace says so: %r" % err[-800:])


if __name__ == "__main__":
    h.main(globals())
