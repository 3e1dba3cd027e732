#!/usr/bin/env python3
"""Holds N idle keep-alive connections against a server on 127.0.0.1.

    bench/idle_clients.py PORT N PATH

Opens N connections (a few hundred at a time, so the listen backlog is not
overrun), sends one GET PATH on each, reads its whole response (headers and
Content-Length body), and then keeps every connection open and silent. It
prints "held K" on stdout once the responses are in (K: connections that got
a 200 and are still open), then waits for a line on stdin, closes everything
and exits. bench/run reads the server's memory between the two.
"""
import os
import resource
import selectors
import socket
import sys
import time


def main():
    port, n, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    request = b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % path.encode()
    sel = selectors.DefaultSelector()
    socks, held = [], 0
    deadline = time.monotonic() + 120  # every socket operation is bounded
    batch = 256
    for start in range(0, n, batch):
        pending = {}
        for _ in range(min(batch, n - start)):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(request)
            s.setblocking(False)
            socks.append(s)
            pending[s.fileno()] = (s, bytearray())
            sel.register(s, selectors.EVENT_READ)
        while pending and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=1):
                s, buf = pending[key.fd]
                try:
                    chunk = s.recv(65536)
                except BlockingIOError:
                    continue
                buf += chunk
                end = buf.find(b"\r\n\r\n")
                done = not chunk
                if end >= 0:
                    head = bytes(buf[:end]).lower()
                    length = 0
                    for line in head.split(b"\r\n"):
                        if line.startswith(b"content-length:"):
                            length = int(line.split(b":", 1)[1])
                    if len(buf) >= end + 4 + length:
                        done = True
                        if chunk and buf.startswith(b"HTTP/1.1 200"):
                            held += 1
                if done:
                    sel.unregister(s)
                    del pending[key.fd]
    print("held %d" % held, flush=True)
    sys.stdin.readline()
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
