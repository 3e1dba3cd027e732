#include "server/practice_error_pages.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "http/message.hpp"
#include "lint/lint.hpp"
#include "render/lint_report.hpp"

namespace rawhttp::server::errors {

namespace {

using std::chrono::milliseconds;

std::string ms_text(milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

// A limit in plain words, and the caller's name for it when it has one:
// "(the server's idle limit, --idle-timeout)".
std::string limit_note(Limit which, const ServeOptions& options) {
    std::string words;
    switch (which) {
        case Limit::idle_timeout: words = "the server's idle limit"; break;
        case Limit::head_timeout: words = "the server's head limit"; break;
        case Limit::body_timeout: words = "the server's body limit"; break;
        case Limit::min_body_rate: words = "the server's minimum body rate"; break;
        case Limit::max_connections: words = "the server's connection limit"; break;
        case Limit::max_per_client: words = "the server's limit per client"; break;
    }
    std::string name = options.limit_name ? options.limit_name(which) : std::string();
    return "(" + words + (name.empty() ? "" : ", " + name) + ")";
}

std::string line_of(const http::MessageReader& reader, std::string_view wire) {
    return first_line(wire.substr(std::min(wire.size(), reader.head().line_offset)));
}

// lint's words for a rule broken on the wire, with the line and column.
std::string explain(const http::Violation& v, std::string_view wire, const ServeOptions& options) {
    lint::Finding f = lint::make_finding(v, wire, http::MessageKind::request, options.strict);
    std::string out = render::finding_text(f, {}, "", "  ");
    if (v.offset < wire.size()) out += render::finding_pointer(wire, f, {}, "    | ");
    return out;
}

// A final error page; the connection closes after it.
Rejection reject(std::string line, int status, std::string explanation) {
    pages::Response resp;
    resp.status = status;
    resp.close = true;
    resp.body = std::to_string(status) + " " + std::string(http::status_reason(status)) + "\n\n" +
                std::move(explanation);
    if (status == 400) resp.body += "\n`rawhttp lint FILE.req` explains every rule before anything is sent.\n";
    return {std::move(line), std::move(resp)};
}

pages::Response unavailable(std::string why) {
    pages::Response resp;
    resp.status = 503;
    resp.close = true;
    resp.headers.push_back({"Retry-After", "1"});
    resp.body = "503 Service Unavailable\n\n" + std::move(why) +
                "Try again in a moment (Retry-After: 1) \xe2\x80\x94 RFC 9110 section 15.6.4.\n";
    return resp;
}

}  // namespace

std::string first_line(std::string_view v) {
    // A plain loop: this runs for every request, and find_first_of searches
    // the whole head.
    std::size_t n = 0;
    while (n < v.size() && n < 200 && v[n] != '\r' && v[n] != '\n') ++n;
    return std::string(v.substr(0, n));
}

Rejection rule_broken(const http::MessageReader& reader, const http::Violation& v, std::string_view wire,
                      const ServeOptions& options) {
    const http::RuleInfo& rule = http::rule_info(v.rule);
    std::string line = line_of(reader, wire);
    const int status = std::atoi(std::string(rule.status).c_str());
    std::string body = "rawhttp serve parses requests strictly, and this one broke a rule:\n\n" +
                       explain(v, wire, options);
    if (v.rule == http::Rule::version_unsupported && line.rfind("PRI * HTTP/2.0", 0) == 0)
        body += "\n\"PRI * HTTP/2.0\" is the HTTP/2 connection preface (RFC 9113 section 3.4):\n"
                "this server speaks HTTP/1.1 (and HTTP/1.0) over plain text, not HTTP/2.\n";
    body += "\nThe request was not processed, and the connection is closed.\n";
    return reject(std::move(line), status, std::move(body));
}

Rejection ended_early(http::MessageReader& reader, std::string_view wire, const ServeOptions& options) {
    reader.put_eof();
    const http::Violation* v = reader.error();
    std::string body = "the request ended early: the client closed its side before the request was complete.\n\n";
    if (v) body += explain(*v, wire, options);
    return reject(line_of(reader, wire), 400, std::move(body));
}

Rejection timed_out(Deadline which, http::MessageReader& reader, std::string_view wire,
                    const ServeOptions& options) {
    if (!reader.failed()) reader.put_eof();
    const http::Violation* v = reader.error();
    if (v && http::rule_info(v->rule).status != "timeout") return rule_broken(reader, *v, wire, options);
    std::string when;
    switch (which) {
        case Deadline::idle:
            when = "The request was not finished within " + ms_text(options.idle_timeout) +
                   " of the last byte received\n" + limit_note(Limit::idle_timeout, options) + ".";
            break;
        case Deadline::head:
            when = "The request head was not finished within " + ms_text(options.head_timeout) +
                   " of its first byte\n" + limit_note(Limit::head_timeout, options) +
                   ", however steadily it arrived.";
            break;
        case Deadline::body:
            when = "The request body arrived too slowly: it may take " + ms_text(options.body_timeout) + " " +
                   limit_note(Limit::body_timeout, options) + ", plus\none second per " +
                   std::to_string(options.min_body_rate) + " bytes received " +
                   limit_note(Limit::min_body_rate, options) + ", and it took longer.";
            break;
        case Deadline::crowded:
            when = "Every connection this server takes at once was in use " +
                   limit_note(Limit::max_connections, options) +
                   ", and\nthis one, with the oldest unfinished request head, made room for a new client.";
            break;
    }
    std::string what;
    if (reader.head_complete()) {
        what = reader.framing().framing == http::Framing::content_length
                   ? "Its head arrived, and " + std::to_string(reader.body_bytes()) + " of the " +
                         std::to_string(reader.framing().length) + " body bytes announced by Content-Length."
                   : "Its head arrived, and part of a chunked body, without the last chunk.";
    } else {
        what = std::to_string(reader.consumed()) +
               " bytes of it arrived, but not the empty line\n(CRLF CRLF) that ends a request head.";
    }
    pages::Response resp;
    resp.status = 408;
    resp.close = true;
    resp.body = "408 Request Timeout\n\n" + when + "\n" + what +
                "\n\nRFC 9110 section 15.5.9: the server did not receive a complete request in the time\n"
                "it was prepared to wait, and closes the connection.\n";
    if (v) {
        resp.body += '\n';
        resp.body += explain(*v, wire, options);
    }
    return {line_of(reader, wire), std::move(resp)};
}

Rejection echo_too_large(std::string line) {
    return reject(std::move(line), 413,
                  "the body is too large for /echo \xe2\x80\x94 RFC 9110 section 15.5.14\n\n"
                  "/echo holds the request in memory, so its body is capped at " +
                      std::to_string(kMaxEchoBody) + " bytes (16 MiB).\n");
}

pages::Response too_many_from(std::string_view client, const ServeOptions& options) {
    return unavailable("This server takes at most " + std::to_string(options.max_per_client) +
                       " connections from one address " + limit_note(Limit::max_per_client, options) +
                       ", and " + std::string(client) + " has that many open.\n");
}

pages::Response table_full(std::size_t limit, const ServeOptions& options) {
    return unavailable("All " + std::to_string(limit) + " connections this server takes at once " +
                       limit_note(Limit::max_connections, options) +
                       " are busy\nwith requests or responses in progress, so none could make room.\n");
}

}  // namespace rawhttp::server::errors
