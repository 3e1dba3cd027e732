"""rawhttp compare and send --via curl, end to end: libcurl's bytes as the
server received them, the diff naming curl's additions, stability against the
practice server and nginx, the JSON shapes and the exit codes."""
import glob
import os
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

REQ = os.path.join(h.SOURCE_DIR, "requests")


def _wait_received(rec, want_len, timeout=5):
    """The recorder's thread may still be reading when rawhttp exits."""
    deadline = time.monotonic() + timeout
    while len(rec.received) < want_len and time.monotonic() < deadline:
        time.sleep(0.02)
    return rec.received


def _compare(args, timeout=30):
    return h.run_json(["compare"] + list(args) + ["--connect-timeout", "5", "--max-time", "20"], timeout=timeout)


def test_curl_bytes_are_what_the_server_received(tmp):
    for name in ("get-local.req", "post-json.req", "http10.req"):
        with h.Recorder() as rec:
            rc, doc, err = _compare([os.path.join(REQ, name), "--to", "127.0.0.1:%d" % rec.port,
                                     "--var", "port=%d" % rec.port])
            ex = doc["exchanges"][0]
            raw_text = ex["requests"]["rawhttp"]["text"].encode()
            curl_text = ex["requests"]["curl"]["text"].encode()
            got = _wait_received(rec, len(raw_text) + len(curl_text))
        h.eq(rc, 0, "%s: exit (stderr %r)" % (name, err))
        h.check(len(curl_text) > 0, "%s: libcurl's bytes were captured" % name)
        # rawhttp went first, then libcurl: the server saw exactly both, in order.
        h.eq(got, raw_text + curl_text, "%s: bytes the recorder received" % name)
        h.eq(curl_text, raw_text, "%s: libcurl sent the file's bytes exactly" % name)
        h.eq(doc["match"], True, "%s: match" % name)


def test_send_via_curl_sends_and_shows_what_libcurl_wrote(tmp):
    with h.Recorder() as rec:
        rc, doc, err = h.run_json(["send", os.path.join(REQ, "post-json.req"), "--via", "curl",
                                   "--var", "port=%d" % rec.port, "--max-time", "20"])
        text = doc["exchanges"][0]["request"]["text"].encode()
        got = _wait_received(rec, len(text))
    h.eq(rc, 0, "exit (stderr %r)" % err)
    h.eq(got, text, "the request in the JSON is what the server received")
    h.check(text.endswith(b'"ok": true}'), "the body went too: %r" % text)
    h.eq(doc["exchanges"][0]["response"]["status"], 200, "status")


def test_curl_default_names_each_added_header(tmp):
    with h.Recorder() as rec:
        rc, doc, err = _compare([os.path.join(REQ, "get-local.req"), "--var", "port=%d" % rec.port,
                                 "--curl-default"])
        ex = doc["exchanges"][0]
        raw_text = ex["requests"]["rawhttp"]["text"].encode()
        curl_text = ex["requests"]["curl"]["text"].encode()
        got = _wait_received(rec, len(raw_text) + len(curl_text))
    h.eq(rc, 1, "a difference is exit 1 (stderr %r)" % err)
    h.eq(doc["match"], False, "match")
    h.eq(got, raw_text + curl_text, "bytes the recorder received")
    added = sorted(c["name"] for c in ex["requests"]["changes"] if c["kind"] == "added")
    h.eq(added, ["Accept", "User-Agent"], "headers curl added")
    h.check(b"\r\nUser-Agent: curl/" in curl_text and b"\r\nAccept: */*\r\n" in curl_text,
            "curl's own headers in its bytes: %r" % curl_text)
    plus = [l["text"] for l in ex["requests"]["diff"] if l["op"] == "+"]
    h.eq(len(plus), 2, "two '+' lines in the diff: %r" % plus)
    h.eq(ex["responses"]["match"], True, "the responses match")
    # The same as text: each addition named plainly, CR LF visible.
    with h.PracticeServer() as srv:
        rc, out, err = h.run(["compare", os.path.join(REQ, "get-local.req"), "--var", "port=%d" % srv.port,
                              "--curl-default"])
    text = out.decode()
    h.eq(rc, 1, "text exit")
    h.check("curl added User-Agent: curl/" in text, "User-Agent named:\n" + text)
    h.check("curl added Accept: */*" in text, "Accept named:\n" + text)
    h.check("+ Accept: */*\\r\\n" in text, "diff line with CR LF visible:\n" + text)


def test_bare_lf_is_a_named_difference(tmp):
    with h.Recorder() as rec:
        rc, doc, err = _compare([os.path.join(REQ, "get-local.req"), "--var", "port=%d" % rec.port,
                                 "--eol", "lf"])
    h.eq(rc, 1, "exit")
    ex = doc["exchanges"][0]
    h.check(ex["requests"]["curl"]["text"].startswith("GET / HTTP/1.1\r\n"), "libcurl always writes CR LF")
    kinds = sorted(c["kind"] for c in ex["requests"]["changes"])
    h.check("request-line" in kinds and "changed" in kinds, "line-ending changes named: %r" % kinds)
    h.check(any("CR LF" in c["message"] and "bare LF" in c["message"] for c in ex["requests"]["changes"]),
            "messages name CR LF and bare LF: %r" % ex["requests"]["changes"])


def test_compare_against_echo_matches(tmp):
    with h.PracticeServer() as srv:
        for name in ("get-local.req", "echo-local.req", "chunked-response.req", "head-request.req"):
            rc, doc, err = _compare([os.path.join(REQ, name), "--var", "port=%d" % srv.port])
            h.eq(rc, 0, "%s: exit (stderr %r)" % (name, err))
            h.eq(doc["match"], True, name)
            ex = doc["exchanges"][0]
            for side in ("rawhttp", "curl"):
                h.eq(ex["responses"][side]["status"], 200, "%s %s status" % (name, side))
            h.eq(ex["responses"]["rawhttp"]["body_sha256"], ex["responses"]["curl"]["body_sha256"], name + " digest")
            h.eq(ex["responses"]["rawhttp"]["framing"], ex["responses"]["curl"]["framing"], name + " framing")
        rc, doc, err = _compare([os.path.join(REQ, "chunked-response.req"), "--var", "port=%d" % srv.port])
        h.eq(doc["exchanges"][0]["responses"]["curl"]["framing"], "chunked", "curl side saw the chunks")
        h.eq(doc["exchanges"][0]["responses"]["curl"]["body_bytes"], 100, "de-chunked body size")
        h.check("\r\n" in doc["exchanges"][0]["responses"]["curl"]["raw_head"], "raw head as received")


def _local_gallery():
    """The gallery's valid requests to 127.0.0.1 (broken-*.req are the lint lessons: they differ on purpose)."""
    out = []
    for path in sorted(glob.glob(os.path.join(REQ, "*.req"))):
        if os.path.basename(path).startswith("broken-"):
            continue
        text = open(path, encoding="utf-8", errors="replace").read()
        if "127.0.0.1" in text:
            out.append(path)
    return out


def test_compare_against_nginx_is_stable(tmp):
    files = _local_gallery()
    h.check(len(files) >= 5, "the gallery has local requests: %r" % files)
    with h.Nginx() as ngx:
        for path in files:
            for attempt in range(2):
                rc, doc, err = _compare([path, "--to", "127.0.0.1:%d" % ngx.port, "--var", "port=%d" % ngx.port])
                name = "%s (run %d)" % (os.path.basename(path), attempt + 1)
                diffs = [c["message"] for e in doc["exchanges"] for c in e["requests"]["changes"]]
                diffs += [d["message"] for e in doc["exchanges"] for d in e["responses"]["differences"]]
                h.eq(rc, 0, "%s: exit; differences %r; stderr %r" % (name, diffs, err))
                h.eq(doc["match"], True, name)
                for e in doc["exchanges"]:
                    h.eq(e["requests"]["identical"], True, name + ": identical requests")
                    h.eq(e["responses"]["curl"]["headers"][0][0], "Server", name + ": nginx answered curl")


def test_send_via_curl_json_has_the_socket_paths_shape(tmp):
    def shape(v):
        if isinstance(v, dict):
            return {k: shape(x) for k, x in v.items() if k not in ("body", "body_base64")}
        return type(v).__name__ if v is not None else None
    with h.PracticeServer() as srv:
        args = ["send", os.path.join(REQ, "get-local.req"), "--var", "port=%d" % srv.port]
        rc1, sock, _ = h.run_json(args)
        rc2, curl, err = h.run_json(args + ["--via", "curl"])
    h.eq((rc1, rc2), (0, 0), "exits (stderr %r)" % err)
    h.eq(sorted(curl), sorted(sock), "top-level keys")
    a, b = sock["exchanges"][0], curl["exchanges"][0]
    for key in ("request", "connection", "response"):
        h.eq(sorted(b[key]), sorted(a[key]), key + " keys")
    # Timing: the same fields; dns/connect/first byte measured by libcurl.
    h.eq(sorted(b["timing"]), sorted(a["timing"]), "timing keys")
    h.check(b["timing"]["first_byte_ms"] is not None and b["timing"]["total_ms"] > 0, "curl timing: %r" % b["timing"])
    h.eq(b["request"]["text"], a["request"]["text"], "the same request bytes")
    h.eq(b["response"]["status"], a["response"]["status"], "status")
    h.eq(b["response"]["body"], a["response"]["body"], "body")
    h.check(b["connection"]["local"].startswith("127.0.0.1:"), "local address: %r" % b["connection"])


def test_connection_refused_is_exit_7(tmp):
    port = h.free_port()
    req = os.path.join(REQ, "get-local.req")
    rc, doc, err = _compare([req, "--var", "port=%d" % port])
    h.eq(rc, 7, "compare exit")
    e = doc["exchanges"][0]
    h.eq((e["responses"]["rawhttp"]["error"]["kind"], e["responses"]["curl"]["error"]["kind"]),
         ("connect", "connect"), "both sides")
    h.eq(e["requests"]["compared"], False, "nothing was written, nothing diffed")
    rc, out, err = h.run(["send", req, "--var", "port=%d" % port, "--via", "curl"])
    h.eq(rc, 7, "send --via curl exit")
    h.check(b"Couldn't connect" in err or b"connect" in err, "the error on stderr: %r" % err)
    rc, doc, err = h.run_json(["send", req, "--var", "port=%d" % port, "--via", "curl"])
    h.eq(rc, 7, "send --via curl --json exit")
    h.eq(doc["exchanges"][0]["error"]["kind"], "connect", "error kind in JSON")


def test_empty_reply_is_exit_52_on_both_paths(tmp):
    with h.ScriptedServer([b""], close="close", connections=2) as srv:
        rc, doc, err = _compare([os.path.join(REQ, "get-local.req"), "--to", "127.0.0.1:%d" % srv.port])
    h.eq(rc, 52, "exit (stderr %r)" % err)
    e = doc["exchanges"][0]
    h.eq(e["responses"]["curl"]["error"]["kind"], "empty-reply", "curl side")


def test_libcurl_is_loaded_only_when_needed(tmp):
    # The lazy load: compose (and plain send) never map libcurl.
    rc, out, err = h.run(["compose", os.path.join(REQ, "get-local.req")], env={"LD_DEBUG": "libs"})
    h.eq(rc, 0, "compose exit")
    h.check(b"libcurl" not in err, "compose did not load libcurl")
    with h.PracticeServer() as srv:
        rc, out, err = h.run(["send", os.path.join(REQ, "get-local.req"), "--var", "port=%d" % srv.port,
                              "--via", "curl"], env={"LD_DEBUG": "libs"})
    h.eq(rc, 0, "send --via curl exit")
    h.check(b"libcurl.so.4" in err, "send --via curl loaded libcurl")


def test_missing_libcurl_is_a_clear_usage_error_and_nothing_is_sent(tmp):
    with h.Recorder() as rec:
        rc, out, err = h.run(["compare", os.path.join(REQ, "get-local.req"), "--var", "port=%d" % rec.port],
                             env={"RAWHTTP_LIBCURL": "/nonexistent/libcurl.so.4"})
        time.sleep(0.2)
        got = rec.received
    h.eq(rc, 2, "exit")
    h.check(b"cannot load libcurl" in err, "the error says so: %r" % err)
    h.eq(got, b"", "nothing was sent, not even by rawhttp")


def test_help_has_examples(tmp):
    rc, out, err = h.run(["compare", "--help"])
    h.eq(rc, 0, "exit")
    text = out.decode()
    for s in ("--curl-default", "--strict", "--json", "Examples:", "--unix-socket"):
        h.check(s in text, "help mentions %s" % s)
    rc, out, err = h.run(["send", "--help"])
    h.check(b"--via" in out, "send --help mentions --via")


def test_not_http_is_exit_8_on_both_paths(tmp):
    with h.ScriptedServer([b"hello, this is not HTTP\n"], close="close", connections=2) as srv:
        rc, doc, err = _compare([os.path.join(REQ, "get-local.req"), "--to", "127.0.0.1:%d" % srv.port])
    h.eq(rc, 8, "exit (stderr %r)" % err)
    e = doc["exchanges"][0]
    h.eq((e["responses"]["rawhttp"]["error"]["kind"], e["responses"]["curl"]["error"]["kind"]),
         ("malformed", "malformed"), "both sides")


def test_control_bytes_in_the_diff_are_escaped(tmp):
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1\nX-Evil: {{hex:1b5b324a}}\n\n")
    with h.Recorder() as rec:
        rc, out, err = h.run(["compare", req, "--to", "127.0.0.1:%d" % rec.port, "--curl-default"])
    h.eq(rc, 1, "exit (stderr %r)" % err)
    h.check(b"\x1b" not in out, "no raw ESC on stdout")
    h.check(b"X-Evil: \\e[2J" in out, "the ESC shown escaped: %r" % out[-800:])


_tls = {}


def _tls_nginx():
    if not _tls:
        folder = tempfile.mkdtemp(prefix="rawhttp-compare-tls-")
        ca, cert, key = h.make_tls_cert(folder)
        _tls["ca"] = ca
        _tls["nginx"] = h.Nginx(tls=(cert, key))
    return _tls["nginx"], _tls["ca"]


def test_tls_compare_and_send_via_curl(tmp):
    n, ca = _tls_nginx()
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: localhost:%d\n\n" % n.tls_port)
    to = ["--to", "127.0.0.1:%d" % n.tls_port, "--tls"]
    rc, doc, err = _compare([req] + to + ["--cacert", ca])
    h.eq(rc, 0, "verified with --cacert: exit (stderr %r)" % err)
    e = doc["exchanges"][0]
    h.eq(e["responses"]["curl"]["status"], 200, "curl status")
    h.check(e["timing"]["curl"]["tls_ms"] is not None, "curl's TLS time: %r" % e["timing"]["curl"])
    rc, doc, err = h.run_json(["send", req, "--via", "curl", "--cacert", ca] + to)
    h.eq(rc, 0, "send --via curl over TLS (stderr %r)" % err)
    tls = doc["exchanges"][0]["connection"]["tls"]
    h.check(tls and tls["version"].startswith("TLS") and tls["cipher"], "TLS version and cipher: %r" % tls)
    h.eq(doc["exchanges"][0]["response"]["body"], "hello over tls\n", "body")
    # An unknown CA: both refuse, exit 60; -k: both accept.
    rc, doc, err = _compare([req] + to)
    h.eq(rc, 60, "unknown CA exit")
    h.eq(doc["exchanges"][0]["responses"]["curl"]["error"]["kind"], "tls", "curl side kind")
    rc, doc, err = _compare([req, "-k"] + to)
    h.eq(rc, 0, "--insecure exit (stderr %r)" % err)


def test_timeout_is_exit_28(tmp):
    with h.PracticeServer() as srv:
        req = h.write_req(tmp, "GET /slow/5 HTTP/1.1\nHost: 127.0.0.1:%d\n\n" % srv.port)
        rc, out, err = h.run(["send", req, "--via", "curl", "--max-time", "0.5"])
        h.eq(rc, 28, "send --via curl --max-time (stderr %r)" % err)
        rc, doc, err = h.run_json(["compare", req, "--max-time", "0.5"])
        h.eq(rc, 28, "compare --max-time")
        h.eq(doc["exchanges"][0]["responses"]["curl"]["error"]["kind"], "timeout", "curl side")


def test_unix_socket(tmp):
    path = os.path.join(tmp, "s.sock")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(4)
    srv.settimeout(10)
    received = []

    def serve():
        for _ in range(2):
            try:
                c, _ = srv.accept()
            except OSError:
                return
            c.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = c.recv(4096)
                if not chunk:
                    break
                data += chunk
            received.append(data)
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
            c.close()
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    rc, doc, err = _compare([os.path.join(REQ, "get-local.req"), "--unix-socket", path])
    t.join(timeout=5)
    srv.close()
    h.eq(rc, 0, "exit (stderr %r)" % err)
    h.eq(len(received), 2, "both sides connected to the socket")
    h.eq(received[1], doc["exchanges"][0]["requests"]["curl"]["text"].encode(), "libcurl's bytes")
    h.eq(doc["exchanges"][0]["responses"]["curl"]["connection"]["remote"], "unix:" + path, "curl's remote")


if __name__ == "__main__":
    try:
        h.main(globals())
    finally:
        if _tls:
            _tls["nginx"].stop()
