"""TLS over rawhttp's own transport, against Debian's nginx on 127.0.0.1 with a
certificate made by openssl in the test set-up; timing figures."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

_nginx = None
_ca = None


def nginx(tmp):
    global _nginx, _ca
    if _nginx is None:
        folder = os.path.join(os.environ.get("TMPDIR", "/tmp"), "rawhttp-tls-%d" % os.getpid())
        os.makedirs(folder, exist_ok=True)
        _ca, cert, key = h.make_tls_cert(folder)
        _nginx = h.Nginx(tls=(cert, key))
    return _nginx


def tls_req(tmp, port, host="localhost"):
    return h.write_req(tmp, "GET / HTTP/1.1\nHost: %s:%d\nConnection: close\n\n" % (host, port))


def test_tls_with_cacert_succeeds_and_shows_version(tmp):
    n = nginx(tmp)
    req = tls_req(tmp, n.tls_port)
    rc, doc, err = h.run_json(["send", req, "--to", "127.0.0.1:%d" % n.tls_port, "--tls", "--cacert", _ca])
    h.eq(rc, 0, "exit (stderr %r)" % err)
    ex = doc["exchanges"][0]
    h.eq(ex["response"]["body"], "hello over tls\n", "body")
    tls = ex["connection"]["tls"]
    h.check(tls and tls["version"].startswith("TLS"), "tls version: %r" % tls)
    h.check(tls["cipher"], "cipher named")
    h.check(ex["timing"]["tls_ms"] is not None and ex["timing"]["tls_ms"] >= 0, "tls_ms")


def test_tls_by_at_tls_in_the_file(tmp):
    n = nginx(tmp)
    req = h.write_req(tmp, "@tls = true\n\nGET / HTTP/1.1\nHost: localhost:%d\n\n" % n.tls_port)
    rc, doc, _ = h.run_json(["send", req, "--to", "127.0.0.1:%d" % n.tls_port, "--cacert", _ca])
    h.eq(rc, 0, "exit")
    h.eq(doc["exchanges"][0]["response"]["status"], 200, "status")


def test_tls_unknown_ca_is_60_with_advice(tmp):
    n = nginx(tmp)
    req = tls_req(tmp, n.tls_port)
    rc, doc, err = h.run_json(["send", req, "--to", "127.0.0.1:%d" % n.tls_port, "--tls"])
    h.eq(rc, 60, "exit")
    h.eq(doc["exchanges"][0]["error"]["kind"], "tls", "kind")
    h.check(b"--cacert" in err and b"--insecure" in err, "says what to do: %r" % err)


def test_tls_wrong_name_is_60(tmp):
    n = nginx(tmp)
    req = tls_req(tmp, n.tls_port, host="not-the-cert-name.test")
    rc, _, err = h.run(["send", req, "--to", "127.0.0.1:%d" % n.tls_port, "--tls", "--cacert", _ca])
    h.eq(rc, 60, "exit (%r)" % err)
    # The message names the name checked and the names the certificate holds.
    h.check(b"checked 'not-the-cert-name.test'" in err, "the checked name: %r" % err)
    h.check(b"DNS:localhost" in err and b"IP:127.0.0.1" in err, "the certificate's names: %r" % err)
    # The library says the kind (a name mismatch); the command line names the options that help.
    h.check(b"(use --insecure to skip the check, or a Host header with one of its names)" in err, "advice: %r" % err)


def test_tls_certificate_details_in_view_json_and_trace(tmp):
    n = nginx(tmp)
    req = tls_req(tmp, n.tls_port)
    rc, doc, err = h.run_json(["send", req, "--to", "127.0.0.1:%d" % n.tls_port, "--tls", "--cacert", _ca])
    h.eq(rc, 0, "exit (%r)" % err)
    tls = doc["exchanges"][0]["connection"]["tls"]
    h.eq(tls["alpn"], "http/1.1", "ALPN")
    h.check("CN=localhost" in tls["certificate"]["subject"], "subject: %r" % tls)
    h.check("rawhttp test CA" in tls["certificate"]["issuer"], "issuer: %r" % tls)
    h.eq(tls["certificate"]["names"], ["DNS:localhost", "IP:127.0.0.1"], "names")
    h.check(tls["certificate"]["expires"].endswith("UTC"), "expiry: %r" % tls)
    rc, out, err = h.run(["send", req, "--to", "127.0.0.1:%d" % n.tls_port, "--tls", "--cacert", _ca, "--trace"])
    h.eq(rc, 0, "exit (%r)" % err)
    h.check(b"names      DNS:localhost, IP:127.0.0.1" in out and b"issuer     /CN=rawhttp test CA" in out,
            "the connection view: %r" % out[:800])
    h.check(b"* TLS handshake done in" in err and b"ALPN http/1.1" in err and b"certificate /CN=localhost" in err,
            "the trace: %r" % err[:1500])


def test_chat_tls_like_ncat_ssl(tmp):
    n = nginx(tmp)
    typed = b"GET / HTTP/1.1\nHost: localhost\nConnection: close\n\n"
    rc, out, err = h.run(["chat", "localhost", str(n.tls_port), "--tls", "--cacert", _ca], stdin=typed)
    h.eq(rc, 0, "exit (%r)" % err)
    h.check(b"hello over tls" in out, "the answer over TLS: %r" % out)
    h.check(b"over TLS" in err and b"certificate /CN=localhost" in err, "the note names TLS: %r" % err)
    rc, out, err = h.run(["chat", "localhost", str(n.tls_port), "--tls"], stdin=typed)
    h.eq(rc, 60, "unknown CA: exit 60 (%r)" % err)
    h.check(b"(use --cacert FILE to trust its CA, or --insecure to skip the check)" in err, "chat's advice: %r" % err)
    rc, out, err = h.run(["chat", "localhost", str(n.tls_port), "--tls", "--insecure"], stdin=typed)
    h.eq(rc, 0, "--insecure: exit (%r)" % err)
    h.check(b"hello over tls" in out, "--insecure answer: %r" % out)


def test_tls_insecure_skips_verification(tmp):
    n = nginx(tmp)
    req = tls_req(tmp, n.tls_port)
    rc, doc, _ = h.run_json(["send", req, "--to", "127.0.0.1:%d" % n.tls_port, "--tls", "--insecure"])
    h.eq(rc, 0, "exit")
    h.eq(doc["exchanges"][0]["response"]["status"], 200, "status")


def test_tls_against_plain_port_is_35(tmp):
    n = nginx(tmp)
    req = tls_req(tmp, n.port)
    rc, doc, err = h.run_json(["send", req, "--to", "127.0.0.1:%d" % n.port, "--tls", "--insecure"], timeout=20)
    h.eq(rc, 35, "exit (%r)" % err)
    h.eq(doc["exchanges"][0]["error"]["kind"], "tls", "kind")
    # send takes TLS by the port, so the way out is --no-tls; in the JSON too.
    h.check("try --no-tls" in doc["exchanges"][0]["error"]["message"], "advice: %r" % doc["exchanges"][0]["error"])
    # chat speaks TLS only when told: the way out is to leave --tls out.
    rc, _, err = h.run(["chat", "127.0.0.1", str(n.port), "--tls", "--insecure"], stdin=b"", timeout=20)
    h.eq(rc, 35, "chat exit (%r)" % err)
    h.check(b"leave out --tls" in err and b"--no-tls" not in err, "chat's advice: %r" % err)


def test_failed_handshake_connection_is_numbered_and_timed(tmp):
    # The TCP connection that carried a failed handshake is "#1" with its DNS and
    # connect times, like any other (it was "#0" with no times).
    with h.PracticeServer() as srv:
        req = tls_req(tmp, srv.port)
        rc, doc, err = h.run_json(["send", req, "--to", srv.address, "--tls"], timeout=20)
        h.eq(rc, 35, "exit (%r)" % err)
        ex = doc["exchanges"][0]
        h.eq(ex["connection"]["number"], 1, "connection number")
        h.check(ex["timing"]["dns_ms"] is not None and ex["timing"]["connect_ms"] is not None,
                "DNS and connect times: %r" % ex["timing"])
        rc, out, err = h.run(["send", req, "--to", srv.address, "--tls"], timeout=20)
        h.check(b"connection #1 (new)" in out, "text view: %r" % out[:300])


def test_unreadable_cacert_is_2_before_connecting(tmp):
    # A --cacert that cannot be read is a file error (2) found before connecting,
    # not a TLS handshake failure (35) in OpenSSL's words.
    req = tls_req(tmp, 1)
    for cmd in ("send", "compare"):
        rc, out, err = h.run([cmd, req, "--to", "127.0.0.1:1", "--tls", "--cacert", os.path.join(tmp, "no.pem")])
        h.eq(rc, 2, "%s exit (%r)" % (cmd, err))
        h.check(b"--cacert: cannot read" in err and b"No such file" in err, "message: %r" % err)
        h.eq(out, b"", "nothing on stdout")


def test_timing_present_nonnegative_ordered(tmp):
    n = nginx(tmp)
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: localhost\n\n")
    rc, doc, _ = h.run_json(["send", req, "--to", "127.0.0.1:%d" % n.port])
    h.eq(rc, 0, "exit")
    t = doc["exchanges"][0]["timing"]
    for k in ("dns_ms", "connect_ms", "written_ms", "first_byte_ms", "total_ms"):
        h.check(isinstance(t[k], (int, float)) and t[k] >= 0, "%s = %r" % (k, t[k]))
    h.check(t["connect_ms"] <= t["written_ms"] <= t["first_byte_ms"] <= t["total_ms"], "ordered: %r" % t)
    rc, out, _ = h.run(["send", req, "--to", "127.0.0.1:%d" % n.port, "--timing"])
    h.check(b"first byte" in out and b"total" in out, "--timing shows the figures")


def test_trace_shows_each_read_and_write(tmp):
    n = nginx(tmp)
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: localhost\nConnection: close\n\n")
    rc, out, err = h.run(["send", req, "--to", "127.0.0.1:%d" % n.port, "--trace", "--show", "parsed"])
    h.eq(rc, 0, "exit")
    text = err.decode()
    h.check("> write 54 bytes" in text, "the write with its size: %s" % text)
    h.check("< read" in text and " ms]" in text, "reads with timestamps: %s" % text)
    h.check("> GET / HTTP/1.1\\r\\n" in text, "the bytes, escaped: %s" % text)


if __name__ == "__main__":
    try:
        h.main(globals())
    finally:
        if _nginx:
            _nginx.stop()
