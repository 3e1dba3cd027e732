// The rule book: every rule of HTTP/1.1 message syntax, framing and limits
// that rawhttp applies, written once, as data. The message reader reports
// rule ids; lint, serve, listen, send's "why" and the response checks all
// decide from this table, so no two commands can judge one message
// differently. Knows nothing of sockets or the command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rawhttp::http {

// One value per rule. The string id (rule_info(r).id) is what lint prints
// and --json carries; it never changes once published.
enum class Rule : std::uint8_t {
    // the head: lines and start lines
    empty_request,
    bare_lf,
    bare_cr,
    request_line_leading_whitespace,
    request_line_spaces,
    request_line_parts,
    method_invalid_char,
    method_not_uppercase,
    method_unusual_char,
    method_unknown,
    target_invalid_char,
    target_uri_char,
    target_form,
    options_asterisk,
    connect_origin,
    target_asterisk,
    target_bad_percent,
    version_invalid,
    version_minor,
    version_unsupported,
    status_line_invalid,
    status_code_range,
    // field lines
    whitespace_before_first_field,
    obs_fold,
    field_missing_colon,
    field_name_empty,
    space_before_colon,
    field_name_invalid_char,
    field_value_invalid_char,
    // limits (one number each, Limits below)
    target_too_long,
    field_line_too_long,
    too_many_fields,
    head_too_large,
    head_large,
    chunk_ext_too_long,
    too_many_interim,
    // the whole head
    host_missing,
    host_repeated,
    host_empty,
    host_unusual,
    host_invalid,
    expect_unknown,
    date_missing,
    // framing
    content_length_invalid,
    content_length_conflict,
    content_length_repeated,
    content_length_with_transfer_encoding,
    transfer_encoding_not_chunked,
    transfer_encoding_chunked_twice,
    transfer_encoding_repeated,
    transfer_encoding_unknown,
    transfer_encoding_http10,
    content_length_forbidden,
    transfer_encoding_forbidden,
    // the chunked body
    chunked_malformed,
    chunked_bare_lf,
    chunked_size_whitespace,
    chunk_ext_invalid,
    trailer_invalid,
    // the message's end
    chunked_incomplete,
    content_length_exceeds_body,
    body_extra_bytes,
    body_without_framing,
    body_close_delimited,
    body_not_allowed,
    head_unterminated,
    count_
};

enum class Severity : std::uint8_t { error, warning };
std::string_view severity_name(Severity s);  // "error" | "warning"

// The requirement level of the RFC sentence behind the rule.
enum class Level : std::uint8_t { must, should, may, limit };

enum class MessageKind : std::uint8_t { request, response };

// What breaking the rule risks, beyond a rejection: the finding's "risk".
enum class Risk : std::uint8_t { none, smuggling, desync, truncation, hang, routing, caching };
std::string_view risk_name(Risk r);  // "smuggling", ...; "" for none
std::string_view risk_text(Risk r);  // the risk in a sentence; "" for none

struct RuleInfo {
    Rule rule;
    std::string_view id;        // "host-missing"
    std::string_view rfc;       // "RFC 9112 §3.2"
    Level level;
    // For requests: error = a strict server rejects it; warning = only some
    // real servers do, or the RFC leaves it to the server. nullopt: the rule
    // is about responses only.
    std::optional<Severity> request;
    // For responses: error = the response cannot be read safely (send exits
    // 8); warning = tolerated as RFC 9112 tells a user agent, but reported.
    // nullopt: the rule does not apply to responses.
    std::optional<Severity> response;
    std::string_view status;    // what a strict server answers: "400", ..., or "timeout" ("" for response-only rules)
    std::string_view servers;   // what the recorded real servers (nginx, Node) do
    std::string_view fix;       // how to fix it, in the .req (or, for a response rule, in the server)
    Risk risk = Risk::none;
    // The rule is about the bytes after this message (they become a next
    // request): the first response does not depend on it, so even
    // `serve --strict` answers this message and judges those bytes next.
    bool next_message = false;
};

const RuleInfo& rule_info(Rule r);
std::span<const RuleInfo> all_rules();
// The rule with this string id, or nullopt.
std::optional<Rule> find_rule(std::string_view id);

// A rule broken at a byte offset of the message, with what was seen there.
struct Violation {
    Rule rule;
    std::size_t offset = 0;   // from the first byte given to the reader
    std::string detail;       // plainly what is wrong here ("the method holds ' '")
    std::string servers;      // overrides rule_info(rule).servers when not empty
};
using Violations = std::vector<Violation>;

// The limits a server applies to a request head and its chunk lines: rules
// with one number each (README, "Limits"). lint and serve use the same ones.
struct Limits {
    std::size_t max_request_line = 8192;  // bytes of the request line (nginx: 414 past 8 KiB)
    std::size_t max_field_line = 8192;    // bytes of one field line (nginx: 400 past 8 KiB)
    std::size_t max_fields = 100;         // header fields in one head (Apache's LimitRequestFields)
    std::size_t max_head = 32768;         // bytes of the whole head (nginx: 4 buffers of 8 KiB)
    std::size_t large_head = 16384;       // a warning past it (Node: 431 past 16 KiB)
    std::size_t max_chunk_ext = 4096;     // chunk-extension bytes on one chunk-size line
    std::size_t max_trailer = 32768;      // bytes of a chunked body's trailer section
};

// Limits for responses a client reads: generous (a client reads what
// servers send), still bounded so a hostile server cannot grow memory.
inline Limits response_limits(std::size_t max_head = 1u << 20, std::size_t max_fields = 1000) {
    Limits l;
    l.max_request_line = max_head;
    l.max_field_line = max_head;
    l.max_fields = max_fields;
    l.max_head = max_head;
    l.large_head = max_head;
    l.max_chunk_ext = 4096;
    l.max_trailer = 64 * 1024;
    return l;
}

// The severity of a rule for a message of `kind`; for requests, `strict`
// (serve --strict, lint --strict) makes warnings errors, except the rules
// about the next message. nullopt: the rule does not apply.
std::optional<Severity> severity_of(Rule r, MessageKind kind, bool strict = false);

// The first violation that a recipient rejects (smallest offset; at one
// offset, the rule book's order), or nullptr when none is an error.
const Violation* first_error(const Violations& v, MessageKind kind, bool strict = false);

// Violations in byte order (stable: rule book order at one offset).
void sort_violations(Violations& v);

}  // namespace rawhttp::http
