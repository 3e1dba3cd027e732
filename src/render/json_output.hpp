// The contract's --json documents (SPEC.md "Machine output").
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/session.hpp"
#include "compose/compose.hpp"

namespace rawhttp::render {

using nlohmann::json;

// Puts bytes under `key` as a string when they are valid UTF-8, else under
// `key + "_base64"` (the contract's rule for bodies, used for all bytes).
void put_bytes(json& obj, const std::string& key, std::string_view bytes);

std::string base64_encode(std::string_view bytes);

// Text that keeps its key even when not valid UTF-8 (a reason phrase): `key`
// always, with ill-formed bytes as U+FFFD, and then also `key + "_base64"`
// with the exact bytes.
void put_text(json& obj, const std::string& key, std::string_view bytes);

// Header or trailer fields as [name, value]; a field whose bytes are not
// valid UTF-8 gets a third element {"name_base64", "value_base64"}.
json fields_json(const client::Fields& fields);

// The rule book's findings on a response: [{"id", "severity", "offset", "message", "rfc", "risk"}].
json findings_json(const http::Violations& violations);

// A response's "version", "status", "reason" (null while the head is
// incomplete) and "headers", as every document that holds a response has them.
void put_response_head(json& obj, const client::Response& r);

// One element of "exchanges". `body` is the decoded body captured for it;
// `body_truncated` says the capture stopped short of body_bytes.
json exchange_json(const client::ExchangeResult& ex, std::string_view body, bool body_truncated);

// What the command line words its own way in an exchange's document: the
// error as shown on the terminal, and notes it adds (hints).
struct ExchangeWording {
    std::optional<std::string> error_message;
    std::vector<std::string> more_notes;
};

class JsonWriter;
// The one writer of these shapes; the json trees above are read back from it.
void write_exchange(JsonWriter& w, const client::ExchangeResult& ex, std::string_view body, bool body_truncated,
                    const ExchangeWording& wording);
void write_fields(JsonWriter& w, const client::Fields& fields);
void write_findings(JsonWriter& w, const http::Violations& violations);

// One element of compose's "requests".
json composed_request_json(const ComposedRequest& req, const std::string& target, bool tls);

// Serialises without ever throwing on odd bytes (invalid UTF-8 is replaced).
// `to_terminal`: standard output is a terminal, so json_for_terminal applies.
std::string dump(const json& doc, bool to_terminal);

// Serialised JSON made safe for a terminal: DEL, C1 controls and invisible
// format characters inside strings become \u escapes (a pair for those
// beyond U+FFFF). The document means the same; only its spelling changes.
std::string json_for_terminal(std::string_view text);

}  // namespace rawhttp::render
