"""rawhttp send and compose, end to end: the built binary over real loopback
sockets, against the practice server and small scripted servers."""
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

REQ = os.path.join(h.SOURCE_DIR, "requests")


def test_get_local_shows_raw_and_parsed(tmp):
    with h.PracticeServer() as srv:
        rc, out, err = h.run(["send", os.path.join(REQ, "get-local.req"), "--var", "port=%d" % srv.port])
    text = out.decode()
    h.eq(rc, 0, "exit code")
    h.check("raw response" in text and "parsed" in text, "both views are shown:\n" + text)
    h.check("< HTTP/1.1 200 OK\\r\\n" in text, "the raw status line with CR LF visible:\n" + text)
    h.check("status      200" in text, "the parsed status:\n" + text)
    h.check("local      127.0.0.1:" in text, "the local address and ephemeral port:\n" + text)


def test_json_shape_matches_contract(tmp):
    with h.PracticeServer() as srv:
        rc, doc, err = h.run_json(["send", os.path.join(REQ, "get-local.req"), "--var", "port=%d" % srv.port])
    h.eq(rc, 0, "exit code")
    h.eq(sorted(doc), ["exchanges", "notes"], "top-level keys")
    ex = doc["exchanges"][0]
    for k in ("request", "connection", "response", "timing", "error"):
        h.check(k in ex, "exchange has %s" % k)
    h.eq(ex["error"], None, "error")
    req = ex["request"]
    h.eq(req["bytes"], len(req["text"].encode()), "request bytes")
    h.check(req["text"].startswith("GET / HTTP/1.1\r\nHost: 127.0.0.1:"), "request text: %r" % req["text"])
    conn = ex["connection"]
    h.eq(conn["remote"], "127.0.0.1:%d" % srv.port, "remote")
    lhost, lport = conn["local"].rsplit(":", 1)
    h.check(lhost == "127.0.0.1" and 0 < int(lport) < 65536, "local %r" % conn["local"])
    h.eq(conn["tls"], None, "tls")
    r = ex["response"]
    h.eq((r["version"], r["status"], r["reason"]), ("HTTP/1.1", 200, "OK"), "status line")
    h.check(all(isinstance(p, list) and len(p) == 2 for p in r["headers"]), "headers are pairs")
    h.eq(r["framing"], "content-length", "framing")
    h.eq(r["body_bytes"], len(r["body"].encode()), "body_bytes")
    h.check(r["raw_head"].startswith("HTTP/1.1 200 OK\r\n") and r["raw_head"].endswith("\r\n\r\n"), "raw_head")
    h.eq(r["complete"], True, "complete")
    h.eq(r["interim"], [], "interim")
    t = ex["timing"]
    for k in ("dns_ms", "connect_ms", "tls_ms", "first_byte_ms", "total_ms"):
        h.check(k in t, "timing has %s" % k)
    h.check(0 <= t["connect_ms"] <= t["first_byte_ms"] <= t["total_ms"], "timing ordered: %r" % t)


def test_echo_receives_exactly_what_compose_prints(tmp):
    req = os.path.join(REQ, "post-json.req")
    rc, composed, _ = h.run(["compose", req, "--var", "port=1"])
    h.eq(rc, 0, "compose exit")
    with h.PracticeServer() as srv:
        rc, doc, _ = h.run_json(["send", req, "--var", "port=1", "--to", srv.address])
    h.eq(rc, 0, "send exit")
    body = doc["exchanges"][0]["response"]["body"].encode("latin-1")
    h.eq(body, composed, "bytes the server received")


def test_keep_alive_two_requests_one_connection(tmp):
    with h.PracticeServer() as srv:
        rc, doc, _ = h.run_json(["send", os.path.join(REQ, "keep-alive.req"), "--var", "port=%d" % srv.port])
    h.eq(rc, 0, "exit")
    exs = doc["exchanges"]
    h.eq(len(exs), 2, "exchanges")
    h.eq([e["connection"]["number"] for e in exs], [1, 1], "connection numbers")
    h.eq([e["connection"]["reused"] for e in exs], [False, True], "reused")
    h.eq(exs[1]["connection"]["local"], exs[0]["connection"]["local"], "same local port")
    h.eq(exs[1]["response"]["status"], 204, "second status")
    h.eq(exs[1]["response"]["framing"], "none", "204 has no body")


def test_pipeline_writes_all_then_reads(tmp):
    req = h.write_req(tmp, "GET /status/200 HTTP/1.1\nHost: x\n\n###\nGET /bytes/5 HTTP/1.1\nHost: x\n\n"
                           "###\nGET /chunked/7 HTTP/1.1\nHost: x\nConnection: close\n\n")
    with h.PracticeServer() as srv:
        rc, doc, _ = h.run_json(["send", req, "--to", srv.address, "--pipeline"])
    h.eq(rc, 0, "exit")
    h.eq([e["response"]["status"] for e in doc["exchanges"]], [200, 200, 200], "statuses")
    h.eq([e["response"]["body_bytes"] for e in doc["exchanges"]][1:], [5, 7], "bodies")
    h.eq({e["connection"]["number"] for e in doc["exchanges"]}, {1}, "one connection")


def test_output_file_gets_dechunked_body_streamed(tmp):
    out = os.path.join(tmp, "body.bin")
    req = h.write_req(tmp, "GET /chunked/300000 HTTP/1.1\nHost: x\n\n")
    with h.PracticeServer() as srv:
        rc, text, _ = h.run(["send", req, "--to", srv.address, "-o", out, "--show", "parsed"])
    h.eq(rc, 0, "exit")
    h.eq(os.path.getsize(out), 300000, "file size")
    h.check(b"chunked" in text, "the parsed view names the framing")


def test_show_body_piped_is_exact(tmp):
    req = h.write_req(tmp, "GET /echo HTTP/1.1\nHost: x\nX-Bytes: a\tb\n\n")
    with h.PracticeServer() as srv:
        rc, out, _ = h.run(["send", req, "--to", srv.address, "--show", "body"])
    h.eq(rc, 0, "exit")
    h.eq(out, b"GET /echo HTTP/1.1\r\nHost: x\r\nX-Bytes: a\tb\r\n\r\n", "exact body on a pipe")


def test_fail_flag_gives_22(tmp):
    req = h.write_req(tmp, "GET /status/404 HTTP/1.1\nHost: x\n\n")
    with h.PracticeServer() as srv:
        rc, _, _ = h.run(["send", req, "--to", srv.address])
        h.eq(rc, 0, "any status is success without --fail")
        rc, _, err = h.run(["send", req, "--to", srv.address, "--fail"])
    h.eq(rc, 22, "--fail exit")
    h.check(b"404" in err, "message names the status")


def test_connection_refused_is_7_with_one_line(tmp):
    port = h.free_port()
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1:%d\n\n" % port)
    t0 = time.monotonic()
    rc, out, err = h.run(["send", req], timeout=15)
    h.eq(rc, 7, "exit")
    h.check(time.monotonic() - t0 < 5, "quick")
    lines = err.decode().strip().splitlines()
    h.eq(len(lines), 1, "one line on stderr (%r)" % err)
    h.check(lines[0].startswith("rawhttp: ") and "refused" in lines[0], "says the connection was refused: %r" % err)
    h.check("is the server running?" in lines[0] and ("rawhttp serve %d" % port) in lines[0],
            "says what to do, for a loopback port the practice server: %r" % err)


def test_unresolvable_host_is_6(tmp):
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: no-such-host.invalid\n\n")
    rc, doc, err = h.run_json(["send", req], timeout=30)
    h.eq(rc, 6, "exit")
    h.eq(doc["exchanges"][0]["error"]["kind"], "resolve", "error kind")


def test_template_error_sends_nothing(tmp):
    with h.ScriptedServer([b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"]) as srv:
        req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1:%d\nX: {{nope}}\n\n" % srv.port)
        rc, out, err = h.run(["send", req])
        h.eq(rc, 2, "exit")
        h.check(b"t.req:3:" in err, "FILE:LINE:COLUMN in %r" % err)
        h.eq(out, b"", "nothing on stdout")
    h.eq(srv.received, [], "no connection was made")


def test_max_time_bounds_a_silent_server(tmp):
    with h.ScriptedServer([b"HTTP/1.1 200 OK\r\nContent-Le"], close="hold") as srv:
        req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1:%d\n\n" % srv.port)
        t0 = time.monotonic()
        rc, doc, _ = h.run_json(["send", req, "--max-time", "1"])
        took = time.monotonic() - t0
    h.eq(rc, 28, "exit")
    h.eq(doc["exchanges"][0]["error"]["kind"], "timeout", "kind")
    h.check(took < 4, "bounded by --max-time (took %.1fs)" % took)


def test_ipv6_loopback(tmp):
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
        s.close()
    except OSError:
        raise h.Skip("::1 is not configured on this machine")
    with h.ScriptedServer([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nv6"], family=socket.AF_INET6) as srv:
        req = h.write_req(tmp, "GET / HTTP/1.1\nHost: [::1]:%d\n\n" % srv.port)
        rc, doc, _ = h.run_json(["send", req])
    h.eq(rc, 0, "exit")
    h.eq(doc["exchanges"][0]["connection"]["remote"], "[::1]:%d" % srv.port, "remote")
    h.eq(doc["exchanges"][0]["response"]["body"], "v6", "body")


def test_unix_socket(tmp):
    path = os.path.join(tmp, "s.sock")
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(10)
    got = []

    def serve():
        c, _ = srv.accept()
        c.settimeout(5)
        got.append(c.recv(65536))
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nunix")
        c.close()
    import threading
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: localhost\n\n")
    rc, doc, _ = h.run_json(["send", req, "--unix-socket", path])
    t.join(5)
    srv.close()
    h.eq(rc, 0, "exit")
    h.eq(doc["exchanges"][0]["response"]["body"], "unix", "body")
    h.eq(got, [b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"], "bytes received")


def test_gallery_name_works_from_anywhere(tmp):
    rc, out, _ = h.run(["compose", "get-google.req"], cwd=tmp)
    h.eq(rc, 0, "exit")
    h.eq(out, b"GET / HTTP/1.1\r\nHost: www.google.com\r\n\r\n", "the classic lesson's bytes")
    rc, out, _ = h.run(["gallery"], cwd=tmp)
    h.eq(rc, 0, "gallery exit")
    h.check(b"get-google.req" in out and b"the netcat lesson as a file" in out, "gallery lists lessons")


def test_missing_file_is_2(tmp):
    rc, out, err = h.run(["send", os.path.join(tmp, "nope.req")])
    h.eq(rc, 2, "exit")
    h.check(b"nope.req" in err, "names the file")


def test_bad_option_is_2_with_hint(tmp):
    rc, out, err = h.run(["send", "x.req", "--no-such-option"])
    h.eq(rc, 2, "exit")
    h.check(b"--help" in err, "points at --help: %r" % err)


def test_every_command_has_help_with_example(tmp):
    rc, out, _ = h.run(["--help"])
    h.eq(rc, 0, "exit")
    for cmd in ("send", "compose", "serve", "gallery"):
        h.check(cmd.encode() in out, "%s listed" % cmd)
        rc, out2, _ = h.run([cmd, "--help"])
        h.eq(rc, 0, "%s --help exit" % cmd)
        h.check(b"Example" in out2, "%s --help has an example" % cmd)


def test_terminal_never_gets_raw_escape_sequences(tmp):
    evil = (b"HTTP/1.1 200 \x1b[31mRED\x1b]0;pwned\x07\r\nX-Evil: \x1b[2J\xff\xfe\r\n"
            b"Content-Length: 12\r\n\r\n\x1b[1mbold\x9b\x07\xc0\x80!!")
    with h.ScriptedServer([evil]) as srv:
        req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1:%d\n\n" % srv.port)
        out = h.run_on_pty(["send", req, "--show", "all"])
    # Colours of rawhttp's own are allowed (CSI ... m); nothing the server sent may pass.
    h.check(b"\x1b]" not in out and b"\x1b[2J" not in out and b"\x07" not in out, "raw control bytes reached the terminal")
    h.check(b"\xff" not in out and b"\x9b" not in out, "invalid UTF-8 / C1 reached the terminal")
    h.check(b"\x1b[31mRED" not in out and b"\x1b[1mbold" not in out, "server escape sequences passed through")
    import re
    plain = re.sub(rb"\x1b\[[0-9;]*m", b"", out)  # rawhttp's own colours, checked above not to hide raw input
    h.check(b"\\e[31mRED" in plain and b"\\e[1mbold" in plain, "escape sequences shown escaped: %r" % plain[:600])


# U+202E (right-to-left override) in a header value and in the body, C1 CSI as
# a raw byte in the reason and in a header, and U+009B (CSI) encoded as UTF-8.
BIDI_RESPONSE = (b"HTTP/1.1 200 OK \x9b2J\r\n"
                 b"X-Bidi: abc\xe2\x80\xaedef\r\n"
                 b"X-C1: \x9b" b"31mred\r\n"
                 b"Content-Length: 17\r\n\r\n"
                 b"txt\xe2\x80\xaegnp.exe\xc2\x9b" b"2J")


def test_bidi_and_c1_are_escaped_on_a_terminal(tmp):
    with h.ScriptedServer([BIDI_RESPONSE]) as srv:
        req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1:%d\n\n" % srv.port)
        out = h.run_on_pty(["send", req, "--show", "all"], env={"NO_COLOR": "1"})
    h.check(b"X-Bidi" in out, "the response was shown: %r" % out[:400])
    for raw in (b"\xe2\x80\xae", b"\xc2\x9b", b"\x9b"):
        h.check(raw not in out, "%r reached the terminal raw: %r" % (raw, out[:800]))
    # In the raw view, the parsed header and the body: each time as its bytes.
    h.check(out.count(b"abc\\xe2\\x80\\xaedef") >= 2, "header value escaped in raw and parsed views: %r" % out)
    h.check(b"txt\\xe2\\x80\\xaegnp.exe\\xc2\\x9b2J" in out, "body escaped: %r" % out)
    h.check(b"\\x9b31mred" in out and b"OK \\x9b2J" in out, "raw C1 byte escaped: %r" % out)


def test_json_on_a_terminal_escapes_bidi_and_c1(tmp):
    with h.ScriptedServer([BIDI_RESPONSE]) as srv:
        req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1:%d\n\n" % srv.port)
        out = h.run_on_pty(["send", req, "--json"], env={"NO_COLOR": "1"})
    for raw in (b"\xe2\x80\xae", b"\xc2\x9b", b"\x9b"):
        h.check(raw not in out, "%r reached the terminal raw: %r" % (raw, out[:800]))
    h.check(b"abc\\u202edef" in out and b"\\u009b2J" in out, "JSON \\u escapes: %r" % out[:1500])
    doc = json.loads(out.replace(b"\r\n", b"\n").decode("utf-8"))  # the pty turns LF into CRLF
    h.eq(doc["exchanges"][0]["response"]["body"], "txt\u202egnp.exe\u009b2J", "same document")


def test_json_in_a_pipe_keeps_exact_bytes_with_base64(tmp):
    import base64
    with h.ScriptedServer([BIDI_RESPONSE]) as srv:
        req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1:%d\n\n" % srv.port)
        rc, out, err = h.run(["send", req, "--json"])
    h.eq(rc, 0, "exit (stderr %r)" % err)
    # Valid UTF-8 passes exactly, U+202E and U+009B included: a pipe is not a terminal.
    h.check(b"abc\xe2\x80\xaedef" in out and b"txt\xe2\x80\xaegnp.exe\xc2\x9b2J" in out, "exact bytes: %r" % out[:1500])
    r = json.loads(out.decode("utf-8"))["exchanges"][0]["response"]
    h.eq(base64.b64decode(r["reason_base64"]), b"OK \x9b2J", "reason_base64")
    h.eq(r["reason"], "OK \ufffd2J", "reason, with U+FFFD for the bad byte")
    headers = r["headers"]
    h.eq(headers[0], ["X-Bidi", "abc\u202edef"], "a valid UTF-8 header: two elements")
    h.eq(len(headers[1]), 3, "an invalid UTF-8 header: a third element (%r)" % headers[1])
    h.eq(base64.b64decode(headers[1][2]["name_base64"]), b"X-C1", "name_base64")
    h.eq(base64.b64decode(headers[1][2]["value_base64"]), b"\x9b31mred", "value_base64")
    h.eq(r["body"].encode("utf-8"), b"txt\xe2\x80\xaegnp.exe\xc2\x9b2J", "body")


def test_usage_errors_are_one_plain_line(tmp):
    # CLI11's own wording ("At Most 1 required but received 2", "Could not convert",
    # "A subcommand is required" for a misspelt command) means nothing to a user.
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: x\n\n")
    cases = [
        (["bogus"], "unknown command 'bogus': the commands are send, compose"),
        (["--bogus"], "unknown option '--bogus'"),
        (["send", req, "--show", "raw", "--show", "parsed"], "--show was given 2 times: give it once"),
        (["send", req, "--connect-timeout", "abc"], "--connect-timeout: 'abc' is not a number"),
        (["chat", "127.0.0.1", "abc"], "PORT: 'abc' is not a number"),
        (["send", req, "--to"], "--to needs a value"),
        (["send", req, "--eol", "bad"], "--eol: 'bad' is not one of crlf, lf, keep"),
        (["send", req, "--tls", "--no-tls"], "--tls and --no-tls cannot be used together"),
        (["send", req, "extra"], "unexpected argument 'extra'"),
        (["send", req, "--nope"], "unknown option '--nope'"),
        (["send", req, "--max-headers", "-1"], "--max-headers: '-1' is not a whole number of 0 or more"),
        (["send", req, "--max-head-size", "1.5"], "--max-head-size: '1.5' is not a whole number of 0 or more"),
        (["chat", "127.0.0.1", "80.5"], "PORT: '80.5' is not a whole number"),
    ]
    for args, want in cases:
        rc, out, err = h.run(args)
        text = err.decode()
        h.eq(rc, 2, "exit of %s" % args)
        h.eq(out, b"", "nothing on stdout for %s" % args)
        lines = text.strip().splitlines()
        h.eq(len(lines), 1, "one line for %s: %r" % (args, text))
        h.check(lines[0].startswith("rawhttp: " + want) and "--help" in lines[0], "%s: %r" % (args, text))


def test_empty_option_values_are_refused(tmp):
    # `--to ''` used to count as "not given" and quietly connect to the Host header.
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen(8)
    lsn.setblocking(False)
    try:
        req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1:%d\n\n" % lsn.getsockname()[1])
        for opt in ("--to", "--show", "--unix-socket", "-o", "--cacert"):
            rc, out, err = h.run(["send", req, opt, ""])
            h.eq(rc, 2, "exit for %s ''" % opt)
            h.check(b"the value is empty" in err, "%s '' says why: %r" % (opt, err))
        try:
            lsn.accept()
            raise AssertionError("a connection was made")
        except BlockingIOError:
            pass
    finally:
        lsn.close()


def test_usage_error_leaves_output_file_alone(tmp):
    # A usage error is found before -o FILE is opened (and truncated).
    out_file = os.path.join(tmp, "keep.bin")
    with open(out_file, "wb") as f:
        f.write(b"keep")
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: 127.0.0.1:1\n\n")
    for extra in (["--curl-default"], ["--via", "curl", "--pipeline"]):
        rc, out, err = h.run(["send", req, "-o", out_file] + extra)
        h.eq(rc, 2, "exit for %s" % extra)
        h.eq(open(out_file, "rb").read(), b"keep", "-o FILE untouched by %s" % extra)


def test_stdout_write_failure_is_23(tmp):
    # Like curl's 23: output lost on a full disk is not a success.
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: x\n\n")
    if not os.path.exists("/dev/full"):
        raise h.Skip("no /dev/full")
    for args in (["compose", req], ["lint", req], ["gallery"], ["compose", req, "--json"]):
        with open("/dev/full", "wb") as full:
            p = subprocess.run([h.RAWHTTP] + args, stdout=full, stderr=subprocess.PIPE, timeout=20,
                               env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1"})
        h.eq(p.returncode, 23, "exit of %s to a full disk" % args)
        h.check(b"could not write to standard output" in p.stderr, "says so: %r" % p.stderr)
    # An earlier failure keeps its own exit code, and the lost output is still reported.
    bad = h.write_req(tmp, "GET / HTTP/1.1\n\n", "bad.req")
    with open("/dev/full", "wb") as full:
        p = subprocess.run([h.RAWHTTP, "lint", bad], stdout=full, stderr=subprocess.PIPE, timeout=20,
                           env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1"})
    h.eq(p.returncode, 1, "lint's own exit code")
    h.check(b"could not write to standard output" in p.stderr, "says so: %r" % p.stderr)
    # A reader that goes away early (| head) is not an error.
    p = subprocess.Popen([h.RAWHTTP, "gallery"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    _, err = p.communicate(timeout=20)
    h.eq(p.returncode, 0, "exit when the reader closed early")


def test_bad_destination_names_where_it_came_from(tmp):
    # A bad --to is a usage error (2), worded as one: nothing was tried.
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: a b\n\n")
    for extra, want in ((["--to", "host:99999"], "--to 'host:99999' is not a place to connect to"),
                        (["--to", ":80"], "--to ':80' is not a place to connect to"),
                        (["--to", "http://127.0.0.1:8080/x"], "--to 'http://127.0.0.1:8080/x' is a URL: write HOST[:PORT] only (127.0.0.1:8080)"),
                        ([], "the Host header 'a b' is not a place to connect to")):
        rc, out, err = h.run(["send", req] + extra)
        h.eq(rc, 2, "exit for %s" % extra)
        text = err.decode()
        h.check(text.startswith("rawhttp: " + want) and "cannot connect" not in text, "message for %s: %r" % (extra, text))
    # compose checks --to and @target too (it printed "target": null and exited 0).
    for args in (["--to", "h:0"], ["--to", "http://x/"], ["--to", "h:0", "--json"]):
        rc, out, err = h.run(["compose", req] + args)
        h.eq((rc, out), (2, b""), "compose %s" % args)
    target = h.write_req(tmp, "@target = x:99999\nGET / HTTP/1.1\nHost: x\n\n", "target.req")
    rc, out, err = h.run(["compose", target, "--json"])
    h.eq(rc, 2, "compose with a bad @target")
    h.check(b"@target 'x:99999'" in err, "message: %r" % err)
    rc, out, err = h.run(["compose", req, "--json"])
    h.eq(rc, 0, "a Host header that names no place is fine for compose")


def test_bad_var_is_2(tmp):
    # A --var whose name {{...}} cannot refer to was accepted and silently unused.
    req = h.write_req(tmp, "GET / HTTP/1.1\nHost: {{h}}\n\n")
    for var, want in (("h", "expected name=value"), ("=x", "expected name=value"),
                      ("h x=1", "a variable name uses letters, digits")):
        rc, out, err = h.run(["compose", req, "--var", var])
        h.eq(rc, 2, "exit for --var %r" % var)
        h.check(want in err.decode(), "message for --var %r: %r" % (var, err))
    rc, out, _ = h.run(["compose", req, "--var", "h=a b=c"])
    h.eq((rc, out), (0, b"GET / HTTP/1.1\r\nHost: a b=c\r\n\r\n"), "the value is everything after the first '='")


def test_incomplete_body_says_how_much_arrived(tmp):
    # "Content-Length: 10 bytes, incomplete" left out what did arrive.
    with h.ScriptedServer([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"]) as srv:
        req = h.write_req(tmp, "GET / HTTP/1.1\nHost: x\n\n")
        rc, out, err = h.run(["send", req, "--to", "127.0.0.1:%d" % srv.port, "--show", "parsed"])
    h.eq(rc, 18, "exit")
    h.check(b"Content-Length: 10 bytes, incomplete: 3 bytes received" in out, "parsed view: %r" % out)


def test_stdin_on_a_terminal_says_what_it_waits_for(tmp):
    # `rawhttp compose -` on a terminal seemed to hang: now a note says to type the request.
    typed = []

    def step(out):
        if b"Ctrl-D" in out and not typed:
            typed.append(True)
            return b"GET / HTTP/1.1\nHost: x\n\n\x04"
    out = h.run_on_pty(["compose", "-"], step=step, env={"NO_COLOR": "1"})
    h.check(b"reading the request from standard input" in out, "the note: %r" % out)
    h.check(b"GET / HTTP/1.1" in out, "then the request was composed: %r" % out)


def test_help_command(tmp):
    # `rawhttp help` and `rawhttp help send`, as in git and go.
    rc, out, _ = h.run(["help"])
    h.eq(rc, 0, "rawhttp help")
    h.check(b"Subcommands:" in out, "the overview: %r" % out[:200])
    rc, out, _ = h.run(["help", "send"])
    h.eq(rc, 0, "rawhttp help send")
    h.check(b"Usage: rawhttp send" in out, "send's help: %r" % out[:200])
    rc, out, err = h.run(["help", "nope"])
    h.eq(rc, 2, "rawhttp help nope")
    h.check(b"unknown command 'nope'" in err, "message: %r" % err)


def test_empty_stdin_says_so(tmp):
    # "<stdin>:1:1: no request line found" for an empty pipe: now it says stdin was empty.
    for cmd in ("send", "compose", "lint"):
        rc, out, err = h.run([cmd, "-"], stdin=b"")
        h.eq(rc, 2, "%s - with nothing" % cmd)
        h.check(err.decode().startswith("rawhttp: standard input is empty"), "message: %r" % err)
        h.eq(out, b"", "nothing on stdout")


if __name__ == "__main__":
    h.main(globals())
