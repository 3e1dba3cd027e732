// Sending a composed request through the real libcurl (easy interface), and
// reporting it exactly like the socket path does: the same ExchangeResult,
// the same SessionHooks, so the same renderers work for both.
//
// What libcurl wrote on the wire is captured from its debug callback
// (CURLINFO_HEADER_OUT + CURLINFO_DATA_OUT), never reconstructed. The raw
// response is the head lines as libcurl's header callback hands them over
// (byte for byte; the debug callback of libcurl 7.88 leaves out the empty
// line that ends a 1xx head, the header callback does not) followed by
// CURLINFO_DATA_IN, which is the body as it came off the socket, still
// chunked: checked against libcurl 7.88.1, DATA_IN is logged before the
// chunked decoder runs. Content codings (gzip) are never asked for, so never
// decoded. rawhttp's own parser (ResponseReader) turns those bytes into the
// Response, so both paths are judged by one parser.
//
// libcurl itself is loaded lazily (compare/curl_api.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/session.hpp"
#include "compose/compose.hpp"
#include "core/error.hpp"

namespace rawhttp::compare {

// How the curl side is asked to send a request.
enum class CurlMode {
    // As close to the .req as libcurl allows: the file's method, request
    // target (CURLOPT_REQUEST_TARGET), headers in order and body; every header
    // libcurl would add on its own (Accept, Content-Type, Content-Length,
    // Expect: 100-continue, Host when the file has none) is removed.
    exact,
    // What `curl -X METHOD -H ... --data-binary ... URL` sends: the file's
    // headers and body, plus whatever curl adds (User-Agent, Accept...).
    curl_headers,
    // What a plain `curl URL` sends for the same target: the URL (from the
    // Host header and the request target), the method (-X, or -I for HEAD),
    // the body (--data-binary) and HTTP/1.0 (-0) when the file asks for them;
    // none of the file's headers.
    curl_default,
};

std::string_view curl_mode_name(CurlMode mode);  // "exact", "curl-headers", "curl-default"

// How one request is handed to libcurl, decided before anything is sent.
struct CurlPlan {
    std::string method;                         // CURLOPT_CUSTOMREQUEST (HEAD: CURLOPT_NOBODY)
    std::string url;                            // CURLOPT_URL
    std::optional<std::string> request_target;  // CURLOPT_REQUEST_TARGET
    std::vector<std::string> headers;           // CURLOPT_HTTPHEADER, in order ("Name:" alone removes curl's own)
    bool send_body = false;                     // CURLOPT_POSTFIELDS + CURLOPT_POSTFIELDSIZE_LARGE
    std::string body;                           // de-chunked when the file's body is chunked (libcurl chunks it again)
    bool nobody = false;                        // HEAD
    bool http10 = false;                        // CURL_HTTP_VERSION_1_0, else 1.1
    std::optional<std::string> user_agent;      // CURLOPT_USERAGENT (curl's own, in the curl-* modes)
    std::string connect_to;                     // CURLOPT_CONNECT_TO entry ("::HOST:PORT"); empty with a unix socket
    std::optional<std::string> unix_socket;     // CURLOPT_UNIX_SOCKET_PATH
    bool tls = false;                           // https
    std::vector<std::string> notes;             // what libcurl will do to the request, known in advance
};

// Plans `request` for libcurl. Errors (usage, exit 2) say plainly what
// libcurl cannot send: a request line that is not METHOD TARGET VERSION, a
// version other than HTTP/1.0 or HTTP/1.1.
Result<CurlPlan> plan_curl_request(const ComposedRequest& request, const client::Destination& destination,
                                   CurlMode mode, std::string_view curl_version);

struct CurlRun {
    std::string curl_version;
    std::vector<CurlPlan> plans;
    // Exactly what libcurl wrote for each request (empty when nothing was).
    std::vector<std::string> wire;
    // The same as ComposedRequests: ExchangeResult::request points here (the
    // original request when libcurl wrote nothing). Never resized after the run.
    std::vector<ComposedRequest> sent;
    std::vector<client::ExchangeResult> results;
};

// Sends each request through libcurl, one easy handle for the whole run (so a
// kept-alive connection is reused, as rawhttp does), calling the hooks as
// run_session does (on_socket_read/write get libcurl's debug pieces: a head
// line at a time, not socket reads). Uses the session options' timeouts
// (connect; max-time for the whole run; idle as a 1 byte/s low-speed limit),
// TLS verification and CA file, head limits. --pipeline is not supported.
// Errors before anything is sent (usage, exit 2): libcurl missing, a request
// libcurl cannot express. Exchange failures are in the results, as in run_session.
Result<CurlRun> run_curl_session(const std::vector<ComposedRequest>& requests,
                                 const std::vector<client::Destination>& destinations,
                                 const client::SessionOptions& options, CurlMode mode,
                                 client::SessionHooks& hooks);

// The ErrorKind of a libcurl result code (CURLE_COULDNT_CONNECT -> connect...).
ErrorKind curl_error_kind(int curl_code);

}  // namespace rawhttp::compare
