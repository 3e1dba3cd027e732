// Status codes registered for HTTP (RFC 9110 section 15 and the RFCs it cites,
// IANA "HTTP Status Code Registry"): the reason phrase and a one-line meaning
// written for someone learning HTTP.
#include "http/message.hpp"

namespace rawhttp::http {

namespace {

struct StatusInfo {
    int code;
    std::string_view reason;
    std::string_view meaning;
};

// Sorted by code.
constexpr StatusInfo kStatuses[] = {
    {100, "Continue", "Continue: the server has the request head and the client may send the body"},
    {101, "Switching Protocols", "Switching Protocols: the connection changes to the protocol named in Upgrade"},
    {102, "Processing", "Processing: the server is still working on the request (WebDAV, interim)"},
    {103, "Early Hints", "Early Hints: headers (usually Link preloads) sent before the final response"},

    {200, "OK", "OK: the request succeeded and the body carries the result"},
    {201, "Created", "Created: the request succeeded and made a new resource (see Location)"},
    {202, "Accepted", "Accepted: the request was taken for processing, which has not finished"},
    {203, "Non-Authoritative Information",
     "Non-Authoritative Information: success, but a proxy changed the content from the origin's"},
    {204, "No Content", "No Content: success, and there is deliberately no body"},
    {205, "Reset Content", "Reset Content: success; the client should reset the form or view that sent it"},
    {206, "Partial Content", "Partial Content: the body is only the byte range(s) asked for with Range"},
    {207, "Multi-Status", "Multi-Status: the body reports several results at once (WebDAV)"},
    {208, "Already Reported", "Already Reported: members already listed earlier in this Multi-Status (WebDAV)"},
    {226, "IM Used", "IM Used: the body is the result of instance manipulations (delta encoding)"},

    {300, "Multiple Choices", "Multiple Choices: several representations exist; pick one"},
    {301, "Moved Permanently", "Moved Permanently: the resource lives at the Location URL from now on"},
    {302, "Found", "Found: the resource is temporarily at the Location URL"},
    {303, "See Other", "See Other: get the result from the Location URL with GET"},
    {304, "Not Modified", "Not Modified: your cached copy is still good (answer to a conditional request)"},
    {305, "Use Proxy", "Use Proxy: deprecated; asked the client to go through a proxy"},
    {306, "(Unused)", "(Unused): reserved; once meant \"Switch Proxy\", no longer used"},
    {307, "Temporary Redirect", "Temporary Redirect: repeat the same request, same method, at the Location URL"},
    {308, "Permanent Redirect", "Permanent Redirect: the resource moved for good; repeat the same method at Location"},

    {400, "Bad Request",
     "Bad Request: the server could not parse the request (malformed syntax, framing or headers)"},
    {401, "Unauthorized", "Unauthorized: credentials are needed or were wrong (see WWW-Authenticate)"},
    {402, "Payment Required", "Payment Required: reserved for future use; some APIs use it for billing limits"},
    {403, "Forbidden", "Forbidden: the server understood and refuses; credentials would not help"},
    {404, "Not Found", "Not Found: nothing at this target"},
    {405, "Method Not Allowed", "Method Not Allowed: this target does not support that method (see Allow)"},
    {406, "Not Acceptable", "Not Acceptable: no representation matches the request's Accept headers"},
    {407, "Proxy Authentication Required",
     "Proxy Authentication Required: the proxy needs credentials (see Proxy-Authenticate)"},
    {408, "Request Timeout", "Request Timeout: the server gave up waiting for the rest of the request"},
    {409, "Conflict", "Conflict: the request conflicts with the resource's current state"},
    {410, "Gone", "Gone: the resource was here and was removed for good"},
    {411, "Length Required", "Length Required: the request has a body but no Content-Length"},
    {412, "Precondition Failed", "Precondition Failed: an If-* condition in the request was false"},
    {413, "Content Too Large", "Content Too Large: the request body is bigger than the server accepts"},
    {414, "URI Too Long", "URI Too Long: the request-target is longer than the server will parse"},
    {415, "Unsupported Media Type", "Unsupported Media Type: the server cannot handle the body's Content-Type or encoding"},
    {416, "Range Not Satisfiable", "Range Not Satisfiable: the Range asked for lies outside the resource"},
    {417, "Expectation Failed", "Expectation Failed: the server cannot meet the Expect header"},
    {418, "I'm a teapot",
     "I'm a teapot: an April Fools' joke (RFC 2324); reserved as (Unused) by RFC 9110 but still sent by some servers"},
    {421, "Misdirected Request", "Misdirected Request: this server does not serve that host on this connection"},
    {422, "Unprocessable Content", "Unprocessable Content: well-formed request, but its content makes no sense"},
    {423, "Locked", "Locked: the resource is locked (WebDAV)"},
    {424, "Failed Dependency", "Failed Dependency: an earlier action this one depended on failed (WebDAV)"},
    {425, "Too Early", "Too Early: the server will not risk processing a request that might be replayed (TLS early data)"},
    {426, "Upgrade Required", "Upgrade Required: switch to the protocol named in Upgrade and try again"},
    {428, "Precondition Required", "Precondition Required: the server wants a conditional request (If-Match)"},
    {429, "Too Many Requests", "Too Many Requests: rate limited; slow down (see Retry-After)"},
    {431, "Request Header Fields Too Large",
     "Request Header Fields Too Large: a header field, or the head as a whole, is too big"},
    {451, "Unavailable For Legal Reasons", "Unavailable For Legal Reasons: blocked because of a legal demand"},

    {500, "Internal Server Error", "Internal Server Error: the server failed while handling the request"},
    {501, "Not Implemented", "Not Implemented: the server does not support the method or a feature the request needs"},
    {502, "Bad Gateway", "Bad Gateway: a proxy or gateway got an invalid answer from the server behind it"},
    {503, "Service Unavailable", "Service Unavailable: overloaded or down for maintenance; try later (Retry-After)"},
    {504, "Gateway Timeout", "Gateway Timeout: a proxy or gateway gave up waiting for the server behind it"},
    {505, "HTTP Version Not Supported", "HTTP Version Not Supported: the server refuses the request's HTTP version"},
    {506, "Variant Also Negotiates", "Variant Also Negotiates: the server's content negotiation is misconfigured"},
    {507, "Insufficient Storage", "Insufficient Storage: the server has no room to store what was asked (WebDAV)"},
    {508, "Loop Detected", "Loop Detected: the server found an infinite loop while processing (WebDAV)"},
    {510, "Not Extended", "Not Extended: further extensions to the request are required (obsolete)"},
    {511, "Network Authentication Required",
     "Network Authentication Required: log in to the network first (a captive portal)"},
};

const StatusInfo* find_status(int code) {
    std::size_t lo = 0, hi = sizeof kStatuses / sizeof kStatuses[0];
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (kStatuses[mid].code < code) lo = mid + 1;
        else hi = mid;
    }
    if (lo < sizeof kStatuses / sizeof kStatuses[0] && kStatuses[lo].code == code) return &kStatuses[lo];
    return nullptr;
}

}  // namespace

std::string_view status_meaning(int status) {
    if (const StatusInfo* s = find_status(status)) return s->meaning;
    switch (status / 100) {
        case 1: return "1xx Informational (unregistered code): an interim response; the final one follows";
        case 2: return "2xx Success (unregistered code)";
        case 3: return "3xx Redirection (unregistered code)";
        case 4: return "4xx Client Error (unregistered code)";
        case 5: return "5xx Server Error (unregistered code)";
        default: break;
    }
    return "not a valid status code";
}

std::string_view status_reason(int status) {
    if (const StatusInfo* s = find_status(status)) return s->reason;
    return "";
}

}  // namespace rawhttp::http
