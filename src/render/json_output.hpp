// The contract's --json documents (SPEC.md "Machine output").
#pragma once

#include <nlohmann/json.hpp>
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

// One element of "exchanges". `body` is the decoded body captured for it;
// `body_truncated` says the capture stopped short of body_bytes.
json exchange_json(const client::ExchangeResult& ex, std::string_view body, bool body_truncated);

// One element of compose's "requests".
json composed_request_json(const ComposedRequest& req, const std::string& target, bool tls);

// Serialises without ever throwing on odd bytes (invalid UTF-8 is replaced).
std::string dump(const json& doc);

}  // namespace rawhttp::render
