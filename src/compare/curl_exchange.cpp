#include "compare/curl_exchange.hpp"


#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <set>

#include "compare/curl_api.hpp"
#include "client/response_reader.hpp"
#include "http/chars.hpp"
#include "http/message.hpp"
#include "tls/openssl_lib.hpp"

namespace rawhttp::compare {

namespace {

using Clock = std::chrono::steady_clock;

// The head's lines without their line endings: request line first, up to
// (not including) the empty line.
std::vector<std::string_view> head_lines(std::string_view head) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < head.size()) {
        std::size_t nl = head.find('\n', pos);
        std::size_t end = nl == std::string_view::npos ? head.size() : nl;
        std::string_view line = head.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() && !out.empty()) break;
        if (!line.empty() || !out.empty()) out.push_back(line);
        pos = end + 1;
    }
    return out;
}

// A URL authority is safe when it has no byte a URL parser would choke on.
bool plain_authority(std::string_view a) {
    if (a.empty()) return false;
    for (char c : a) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '/' || c == '?' || c == '#' || c == '@' || c == '\\') return false;
    }
    return true;
}

bool plain_path(std::string_view t) {
    if (t.empty() || t.front() != '/') return false;
    for (char c : t) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '#') return false;
    }
    return true;
}

std::string host_port(const std::string& host, int port) {
    std::string h = host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;
    return h + ":" + std::to_string(port);
}

}  // namespace

std::string_view curl_mode_name(CurlMode mode) {
    switch (mode) {
        case CurlMode::exact: return "exact";
        case CurlMode::curl_headers: return "curl-headers";
        case CurlMode::curl_default: return "curl-default";
    }
    return "";
}

Result<CurlPlan> plan_curl_request(const ComposedRequest& request, const client::Destination& dest, CurlMode mode,
                                   std::string_view curl_version) {
    CurlPlan p;
    std::string_view bytes = request.bytes;
    std::string_view head = bytes.substr(0, std::min(request.head_bytes, bytes.size()));
    std::string_view body = bytes.substr(head.size());
    auto lines = head_lines(head);
    std::string where = "request at line " + std::to_string(request.line);
    if (lines.empty()) return make_error(ErrorKind::usage, where + ": there is no request line for libcurl to send");
    // The libcurl side is handed the body as one buffer, so it must be held.
    if (!request.streamed.empty())
        return make_error(ErrorKind::usage, where + ": its body includes '" + request.streamed.front().path + "' (" +
                                                std::to_string(request.streamed.front().size) +
                                                " bytes), too large for compare, which holds both sides' bytes in "
                                                "memory; send it with 'rawhttp send', or compare a smaller body");

    // libcurl writes the request line itself, from a method, a target and a version.
    std::vector<std::string_view> parts;
    {
        std::string_view rl = lines[0];
        std::size_t pos = 0;
        while (pos < rl.size()) {
            while (pos < rl.size() && (rl[pos] == ' ' || rl[pos] == '\t')) ++pos;
            std::size_t end = pos;
            while (end < rl.size() && rl[end] != ' ' && rl[end] != '\t') ++end;
            if (end > pos) parts.push_back(rl.substr(pos, end - pos));
            pos = end;
        }
    }
    if (parts.size() != 3)
        return make_error(ErrorKind::usage, where + ": libcurl writes the request line itself from a method, a target "
                                                    "and a version; '" + std::string(lines[0]) +
                                                    "' does not have those three parts, so libcurl cannot send it");
    std::string method(parts[0]), target(parts[1]), version(parts[2]);
    if (version == "HTTP/1.0") p.http10 = true;
    else if (version != "HTTP/1.1")
        return make_error(ErrorKind::usage, where + ": libcurl sends HTTP/1.0 or HTTP/1.1 over this path, not '" + version + "'");
    p.method = method;
    p.nobody = method == "HEAD";
    p.tls = dest.tls;

    // Headers as the file has them; note the names for curl's own additions.
    std::set<std::string> names;
    std::optional<std::string> host_value;
    bool chunked = false;
    std::vector<std::string> file_headers;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::string_view l = lines[i];
        std::size_t colon = l.find(':');
        if (colon != std::string_view::npos && colon > 0 && l[0] != ' ' && l[0] != '\t') {
            std::string name(http::detail::trim_ows(l.substr(0, colon)));
            std::string_view value = http::detail::trim_ows(l.substr(colon + 1));
            names.insert(http::detail::ascii_lower(name));
            if (!host_value && http::iequals(name, "Host")) host_value = std::string(value);
            if (http::iequals(name, "Transfer-Encoding") && http::detail::ascii_lower(value).find("chunked") != std::string::npos) chunked = true;
            // "Name:" alone is libcurl's way to remove a header; "Name;" sends it empty.
            if (value.empty()) {
                file_headers.push_back(std::string(l.substr(0, colon)) + ";");
                continue;
            }
        }
        // Lines that are not headers go as they are; libcurl may drop them, and the diff says so.
        file_headers.emplace_back(l);
    }

    // The URL: scheme, the Host header's authority (else the destination),
    // the target. The connection goes to the destination (CURLOPT_CONNECT_TO).
    std::string authority = host_value && plain_authority(*host_value) ? *host_value : host_port(dest.host, dest.port);
    std::string scheme = dest.tls ? "https://" : "http://";
    if (dest.unix_socket) {
        p.unix_socket = dest.unix_socket;
    } else {
        p.connect_to = "::" + host_port(dest.host, dest.port);
    }

    std::string body_bytes(body);
    if (chunked && mode != CurlMode::curl_default) {
        // libcurl chunks a body itself when the headers ask for chunked: hand
        // it the decoded body, or it would chunk the chunks again.
        http::ChunkedDecoder dec;
        std::string decoded;
        std::string_view rest = body;
        while (!rest.empty() && !dec.done()) {
            auto step = dec.feed(rest);
            if (step.error || step.consumed == 0) break;
            decoded.append(step.data);
            rest.remove_prefix(step.consumed);
        }
        if (dec.done()) {
            body_bytes = decoded;
            p.notes.push_back("libcurl writes chunked bodies itself: the file's chunks were decoded and libcurl "
                              "chunked the " + std::to_string(decoded.size()) + " bytes again its own way");
        } else {
            p.notes.push_back("the body is not valid chunked data; libcurl was given it as it is and chunks it again");
        }
    }
    p.body = body_bytes;
    p.send_body = !body_bytes.empty();

    if (mode == CurlMode::curl_default) {
        if (plain_path(target)) {
            p.url = scheme + authority + target;
        } else {
            p.url = scheme + authority + "/";
            p.request_target = target;
            p.notes.push_back("a plain curl URL cannot carry the target '" + target +
                              "'; it was given to libcurl as --request-target");
        }
        p.user_agent = "curl/" + std::string(curl_version);
        if (!host_value) p.headers.push_back("Host:");  // the file sends none: neither does this side
    } else {
        p.url = scheme + authority + "/";
        p.request_target = target;
        p.headers = file_headers;
        if (mode == CurlMode::exact) {
            // Remove what libcurl adds on its own, so only the file's headers go.
            std::vector<std::string_view> own = {"Host", "Accept"};
            if (p.send_body) own.insert(own.end(), {"Expect", "Content-Type", "Content-Length"});
            for (std::string_view name : own)
                if (!names.count(http::detail::ascii_lower(name))) p.headers.push_back(std::string(name) + ":");
        } else {
            p.user_agent = "curl/" + std::string(curl_version);
        }
    }
    if (p.tls && !p.http10 && mode == CurlMode::curl_default)
        p.notes.push_back("HTTP/1.1 is asked for over TLS (plain curl would offer HTTP/2 by ALPN)");

    return p;
}

ErrorKind curl_error_kind(int code) {
    switch (static_cast<CURLcode>(code)) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY: return ErrorKind::resolve;
        case CURLE_COULDNT_CONNECT: return ErrorKind::connect;
        case CURLE_OPERATION_TIMEDOUT: return ErrorKind::timeout;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_SHUTDOWN_FAILED:
        case CURLE_SSL_ISSUER_ERROR: return ErrorKind::tls;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS: return ErrorKind::tls_verify;
        case CURLE_GOT_NOTHING: return ErrorKind::empty_reply;
        case CURLE_PARTIAL_FILE: return ErrorKind::partial;
        case CURLE_SEND_ERROR: return ErrorKind::send;
        case CURLE_RECV_ERROR: return ErrorKind::receive;
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_UNSUPPORTED_PROTOCOL:  // an HTTP/0.9 reply (libcurl refuses those by default)
        case CURLE_BAD_CONTENT_ENCODING:
        case CURLE_HTTP2: return ErrorKind::malformed;
        case CURLE_URL_MALFORMAT:
        case CURLE_BAD_FUNCTION_ARGUMENT: return ErrorKind::usage;
        default: return ErrorKind::receive;
    }
}

namespace {

// One transfer's state, shared with libcurl's callbacks.
struct Transfer {
    const CurlApi* api = nullptr;
    CURL* handle = nullptr;
    client::ExchangeResult* ex = nullptr;
    client::SessionHooks* hooks = nullptr;
    client::ResponseReader* reader = nullptr;
    std::string sent;  // HEADER_OUT + DATA_OUT, exactly as libcurl logged them
    Clock::time_point t0;
    std::optional<double> written_ms;
    std::size_t connection_number = 0;
    bool connected_reported = false;
    bool answer_started = false;
};

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

std::string info_string(const CurlApi& api, CURL* h, CURLINFO what) {
    char* s = nullptr;
    if (api.easy_getinfo(h, what, &s) != CURLE_OK || !s) return {};
    return s;
}

long info_long(const CurlApi& api, CURL* h, CURLINFO what) {
    long v = 0;
    if (api.easy_getinfo(h, what, &v) != CURLE_OK) return 0;
    return v;
}

net::ConnectionInfo connection_info(Transfer& t) {
    const CurlApi& api = *t.api;
    net::ConnectionInfo info;
    info.via_libcurl = true;
    if (t.ex->destination.unix_socket) {
        info.family = "unix";
        info.remote = "unix:" + *t.ex->destination.unix_socket;
        info.local = "unix";
    } else {
        std::string rip = info_string(api, t.handle, CURLINFO_PRIMARY_IP);
        std::string lip = info_string(api, t.handle, CURLINFO_LOCAL_IP);
        long rport = info_long(api, t.handle, CURLINFO_PRIMARY_PORT);
        long lport = info_long(api, t.handle, CURLINFO_LOCAL_PORT);
        info.family = rip.find(':') != std::string::npos ? "ipv6" : "ipv4";
        info.remote = host_port(rip, static_cast<int>(rport));
        info.local = host_port(lip, static_cast<int>(lport));
        info.resolved.push_back(info.remote);
    }
    // TLS version and cipher from the OpenSSL session libcurl uses, when it is OpenSSL.
    if (t.ex->destination.tls) {
        curl_tlssessioninfo* ts = nullptr;
        if (api.easy_getinfo(t.handle, CURLINFO_TLS_SSL_PTR, &ts) == CURLE_OK && ts &&
            ts->backend == CURLSSLBACKEND_OPENSSL && ts->internals) {
            // libcurl has loaded libssl.so.3 already: this finds the same library.
            if (auto ossl = tls::openssl()) {
                auto* ssl = static_cast<SSL*>(ts->internals);
                info.tls_version = (*ossl)->SSL_get_version(ssl);
                if (const char* c = (*ossl)->SSL_CIPHER_get_name((*ossl)->SSL_get_current_cipher(ssl))) info.tls_cipher = c;
            }
        }
    }
    return info;
}

int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    std::string_view bytes(data, size);
    switch (type) {
        case CURLINFO_HEADER_OUT:
        case CURLINFO_DATA_OUT:
            if (!t.connected_reported) {
                t.connected_reported = true;
                t.ex->connection = connection_info(t);
                t.hooks->on_connected(*t.ex, *t.ex->connection);
            }
            t.sent.append(bytes);
            t.written_ms = ms_since(t.t0);
            t.hooks->on_socket_write(t.connection_number, bytes);
            break;
        case CURLINFO_HEADER_IN: t.hooks->on_socket_read(t.connection_number, bytes); break;
        case CURLINFO_DATA_IN:
            t.hooks->on_socket_read(t.connection_number, bytes);
            t.reader->feed(bytes);
            break;
        default: break;
    }
    return 0;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    if (!t.answer_started) {
        t.answer_started = true;
        t.hooks->on_request_written(*t.ex);
    }
    t.reader->feed(std::string_view(data, size * n));
    return t.reader->failed() ? 0 : size * n;  // 0 stops the transfer
}

size_t on_write(char*, size_t size, size_t n, void* user) {
    // The decoded body also arrives in DATA_IN (raw); rawhttp's parser decodes that.
    auto& t = *static_cast<Transfer*>(user);
    return t.reader->failed() ? 0 : size * n;
}

// Deleters for libcurl objects (through the loaded API).
struct HandleCloser {
    const CurlApi* api;
    void operator()(CURL* h) const { if (h) api->easy_cleanup(h); }
};
struct SlistCloser {
    const CurlApi* api;
    void operator()(curl_slist* l) const { if (l) api->slist_free_all(l); }
};

std::size_t head_length(std::string_view bytes) {
    for (std::size_t p = bytes.find('\n'); p != std::string_view::npos; p = bytes.find('\n', p + 1)) {
        if (p + 1 < bytes.size() && bytes[p + 1] == '\n') return p + 2;
        if (p + 2 < bytes.size() && bytes[p + 1] == '\r' && bytes[p + 2] == '\n') return p + 3;
    }
    return bytes.size();
}

}  // namespace

Result<CurlRun> run_curl_session(const std::vector<ComposedRequest>& requests,
                                 const std::vector<client::Destination>& destinations,
                                 const client::SessionOptions& options, CurlMode mode, client::SessionHooks& hooks) {
    auto loaded = load_curl();
    if (!loaded) return loaded.error();
    const CurlApi& api = **loaded;
    if (options.pipeline)
        return make_error(ErrorKind::usage, "libcurl does not pipeline HTTP/1.1 requests; rawhttp's own socket does");

    CurlRun run;
    run.curl_version = api.version;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        auto plan = plan_curl_request(requests[i], destinations[i], mode, api.version);
        if (!plan) return plan.error();
        run.plans.push_back(std::move(*plan));
    }
    run.sent = requests;  // replaced one by one with what libcurl wrote
    run.wire.resize(requests.size());

    std::unique_ptr<CURL, HandleCloser> handle(api.easy_init(), HandleCloser{&api});
    if (!handle) return make_error(ErrorKind::usage, "libcurl could not create a handle (curl_easy_init failed)");
    CURL* h = handle.get();
    auto run_start = Clock::now();
    std::size_t connections = 0;

    for (std::size_t i = 0; i < requests.size(); ++i) {
        const CurlPlan& plan = run.plans[i];
        client::ExchangeResult ex;
        ex.index = i;
        ex.request = &requests[i];
        ex.destination = destinations[i];
        client::ResponseReader reader(ex, plan.nobody ? "HEAD" : plan.method, options.limits, options.max_interim, hooks);
        Transfer t;
        t.api = &api;
        t.handle = h;
        t.ex = &ex;
        t.hooks = &hooks;
        t.reader = &reader;
        t.connection_number = connections + 1;

        std::unique_ptr<curl_slist, SlistCloser> header_list(nullptr, SlistCloser{&api});
        for (const auto& hdr : plan.headers) {
            curl_slist* l = api.slist_append(header_list.get(), hdr.c_str());
            if (!l) return make_error(ErrorKind::usage, "libcurl could not take the header '" + hdr + "'");
            header_list.release();
            header_list.reset(l);
        }
        std::unique_ptr<curl_slist, SlistCloser> connect_to(nullptr, SlistCloser{&api});
        if (!plan.connect_to.empty()) connect_to.reset(api.slist_append(nullptr, plan.connect_to.c_str()));
        char errbuf[CURL_ERROR_SIZE] = {0};

        api.easy_setopt(h, CURLOPT_URL, plan.url.c_str());
        if (plan.request_target) api.easy_setopt(h, CURLOPT_REQUEST_TARGET, plan.request_target->c_str());
        api.easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(plan.http10 ? CURL_HTTP_VERSION_1_0 : CURL_HTTP_VERSION_1_1));
        if (plan.nobody) api.easy_setopt(h, CURLOPT_NOBODY, 1L);
        if (plan.send_body) {
            api.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(plan.body.size()));
            api.easy_setopt(h, CURLOPT_POSTFIELDS, plan.body.data());
        }
        bool default_method = (plan.method == "GET" && !plan.send_body) || (plan.method == "POST" && plan.send_body) ||
                              plan.nobody;
        if (mode != CurlMode::curl_default || !default_method)
            api.easy_setopt(h, CURLOPT_CUSTOMREQUEST, plan.method.c_str());
        if (header_list) api.easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
        if (plan.user_agent) api.easy_setopt(h, CURLOPT_USERAGENT, plan.user_agent->c_str());
        if (connect_to) api.easy_setopt(h, CURLOPT_CONNECT_TO, connect_to.get());
        if (plan.unix_socket) api.easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, plan.unix_socket->c_str());
        // Never a proxy from the environment: the comparison is with the server itself.
        api.easy_setopt(h, CURLOPT_PROXY, "");
        api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        api.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        api.easy_setopt(h, CURLOPT_VERBOSE, 1L);  // the debug callback runs only in verbose mode
        api.easy_setopt(h, CURLOPT_DEBUGFUNCTION, &on_debug);
        api.easy_setopt(h, CURLOPT_DEBUGDATA, &t);
        api.easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
        api.easy_setopt(h, CURLOPT_HEADERDATA, &t);
        api.easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_write);
        api.easy_setopt(h, CURLOPT_WRITEDATA, &t);
        api.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options.tls_verify ? 1L : 0L);
        api.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options.tls_verify ? 2L : 0L);
        if (options.ca_file) api.easy_setopt(h, CURLOPT_CAINFO, options.ca_file->c_str());
        if (options.connect_timeout.count() > 0)
            api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
        if (options.idle_timeout.count() > 0) {
            api.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
            api.easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                            static_cast<long>(std::ceil(options.idle_timeout.count() / 1000.0)));
        }
        bool out_of_time = false;
        if (options.max_time.count() > 0) {
            auto left = options.max_time - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - run_start);
            if (left.count() <= 0) out_of_time = true;
            else api.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
        }

        CURLcode code = CURLE_OPERATION_TIMEDOUT;
        t.t0 = Clock::now();
        if (!out_of_time) code = api.easy_perform(h);
        ex.timing.total_ms = ms_since(t.t0);

        long new_connections = info_long(api, h, CURLINFO_NUM_CONNECTS);
        if (new_connections > 0) ++connections;
        ex.connection_number = connections;
        ex.reused_connection = new_connections == 0 && t.connected_reported;
        if (!ex.connection && t.connected_reported) ex.connection = connection_info(t);
        auto us = [&](CURLINFO what) {
            curl_off_t v = 0;
            api.easy_getinfo(h, what, &v);
            return static_cast<double>(v) / 1000.0;
        };
        double dns = us(CURLINFO_NAMELOOKUP_TIME_T), conn = us(CURLINFO_CONNECT_TIME_T),
               app = us(CURLINFO_APPCONNECT_TIME_T), first = us(CURLINFO_STARTTRANSFER_TIME_T),
               total = us(CURLINFO_TOTAL_TIME_T);
        if (!ex.reused_connection && t.connected_reported) {
            ex.timing.dns_ms = dns;
            ex.timing.connect_ms = std::max(0.0, conn - dns);
            if (destinations[i].tls && app > 0) ex.timing.tls_ms = std::max(0.0, app - conn);
        }
        // All on libcurl's clock: "written" is its pretransfer time (the request
        // is about to go out), as first byte and total are its own.
        double pre = us(CURLINFO_PRETRANSFER_TIME_T);
        if (t.written_ms) ex.timing.written_ms = pre > 0 ? pre : *t.written_ms;
        if (t.answer_started && first > 0) ex.timing.first_byte_ms = first;
        if (total > 0) ex.timing.total_ms = total;

        // Nothing of this iteration (the error buffer, the callbacks' Transfer,
        // the header lists) may be reachable from the handle once it ends; the
        // kept-alive connection stays.
        api.easy_reset(h);

        // rawhttp's parser judges the bytes; libcurl's code says how the transfer ended.
        auto parsed = reader.finish();
        if (reader.failed()) {
            ex.error = reader.error();
        } else if (out_of_time) {
            ex.error = make_error(ErrorKind::timeout, "the time allowed for the whole run ran out before this request was sent");
            ex.error->limit = Limit::max_time;  // the command line names its option
        } else if (code != CURLE_OK) {
            std::string msg = errbuf[0] ? std::string(errbuf) : std::string(api.easy_strerror(code));
            while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
            ex.error = make_error(curl_error_kind(code), "libcurl: " + msg + " (CURLcode " + std::to_string(code) + ")");
        } else if (parsed) {
            ex.error = make_error(parsed->kind, "libcurl finished, but rawhttp's parser disagrees: " + parsed->message);
        }
        if (reader.excess_bytes() > 0)
            ex.notes.push_back("libcurl received " + std::to_string(reader.excess_bytes()) +
                               " bytes after the end of the response as its framing says");
        for (const auto& n : plan.notes) ex.notes.push_back(n);

        run.wire[i] = t.sent;
        if (!t.sent.empty()) {
            ComposedRequest& s = run.sent[i];
            s.bytes = t.sent;
            s.notes.clear();
            s.head_bytes = head_length(s.bytes);
            ex.request = &s;
            ex.bytes_written = s.bytes.size();
        }
        hooks.on_exchange_done(ex);
        bool failed = ex.error.has_value();
        run.results.push_back(std::move(ex));
        if (failed && options.stop_on_error) break;
    }
    return run;
}

}  // namespace rawhttp::compare
