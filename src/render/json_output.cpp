#include "render/json_output.hpp"
#include "http/rules.hpp"

#include "compose/wire_bytes.hpp"
#include "core/base64.hpp"
#include "core/utf8.hpp"
#include "http/websocket.hpp"
#include "render/escape.hpp"

namespace rawhttp::render {

namespace {

json optional_ms(const std::optional<double>& v) {
    return v ? json(*v) : json(nullptr);
}

}  // namespace

std::string base64_encode(std::string_view in) { return rawhttp::base64_encode(in); }

json fields_json(const client::Fields& fields) {
    json arr = json::array();
    for (const auto& [name, value] : fields) {
        if (utf8::is_valid(name) && utf8::is_valid(value)) {
            arr.push_back(json::array({name, value}));
        } else {
            arr.push_back(json::array({utf8::lossy(name), utf8::lossy(value),
                                       {{"name_base64", base64_encode(name)}, {"value_base64", base64_encode(value)}}}));
        }
    }
    return arr;
}

void put_text(json& obj, const std::string& key, std::string_view bytes) {
    if (utf8::is_valid(bytes)) {
        obj[key] = std::string(bytes);
    } else {
        obj[key] = utf8::lossy(bytes);
        obj[key + "_base64"] = base64_encode(bytes);
    }
}

void put_bytes(json& obj, const std::string& key, std::string_view bytes) {
    if (is_valid_utf8(bytes)) obj[key] = std::string(bytes);
    else obj[key + "_base64"] = base64_encode(bytes);
}

// "text" is the bytes held; a body file too large to hold is not in it but
// listed in "streamed" with where its bytes go; "bytes" counts every byte.
static void put_request_bytes(json& obj, const ComposedRequest& req) {
    put_bytes(obj, "text", req.bytes);
    obj["bytes"] = wire_size(req);
    if (req.streamed.empty()) return;
    json files = json::array();
    for (const auto& f : req.streamed) files.push_back({{"at", f.at}, {"bytes", f.size}, {"file", f.path}});
    obj["streamed"] = files;
}

json findings_json(const http::Violations& violations) {
    json findings = json::array();
    for (const auto& v : violations) {
        const auto& rule = http::rule_info(v.rule);
        const auto sev = http::severity_of(v.rule, http::MessageKind::response).value_or(http::Severity::warning);
        findings.push_back({{"id", std::string(rule.id)},
                            {"severity", std::string(http::severity_name(sev))},
                            {"offset", v.offset},
                            {"message", utf8::lossy(v.detail)},
                            {"rfc", std::string(rule.rfc)},
                            {"risk", rule.risk == http::Risk::none ? json(nullptr)
                                                                   : json(std::string(http::risk_name(rule.risk)))}});
    }
    return findings;
}

void put_response_head(json& obj, const client::Response& r) {
    obj["version"] = r.head_complete ? json(r.version) : json(nullptr);
    obj["status"] = r.head_complete ? json(r.status) : json(nullptr);
    if (r.head_complete) put_text(obj, "reason", r.reason);
    else obj["reason"] = nullptr;
    obj["headers"] = fields_json(r.headers);
}

json exchange_json(const client::ExchangeResult& ex, std::string_view body, bool body_truncated) {
    json j;
    json req = json::object();
    if (ex.request) {
        put_request_bytes(req, *ex.request);
        // Less than compose printed only when a final status came before a 100-continue body.
        req["bytes_sent"] = ex.bytes_written;
        req["body_withheld"] = ex.body_withheld;
    }
    j["request"] = req;

    if (ex.connection) {
        const auto& c = *ex.connection;
        json tls = nullptr;
        if (c.tls_version) {
            tls = {{"version", *c.tls_version}, {"cipher", c.tls_cipher.value_or("")}};
            tls["alpn"] = c.tls_alpn ? json(*c.tls_alpn) : json(nullptr);
            if (c.cert_subject) tls["certificate"] = {{"subject", *c.cert_subject},
                                                      {"issuer", c.cert_issuer.value_or("")},
                                                      {"names", c.cert_names},
                                                      {"expires", c.cert_expiry.value_or("")}};
        }
        j["connection"] = {{"remote", c.remote},
                           {"local", c.local},
                           {"resolved", c.resolved},
                           {"number", ex.connection_number},
                           {"reused", ex.reused_connection},
                           {"tls", tls},
                           {"via", c.via_libcurl ? "curl" : "rawhttp"}};
        if (ex.tunnel) j["connection"]["tunnel"] = *ex.tunnel;  // through a CONNECT tunnel to there
    } else {
        j["connection"] = nullptr;
    }

    if (ex.response) {
        const auto& r = *ex.response;
        json resp;
        put_response_head(resp, r);
        json interim = json::array();
        for (const auto& i : r.interim) {
            json ij = {{"status", i.status}};
            put_text(ij, "reason", i.reason);
            ij["headers"] = fields_json(i.headers);
            put_bytes(ij, "raw_head", i.raw_head);
            interim.push_back(ij);
        }
        resp["interim"] = interim;
        resp["framing"] = r.framing ? json(std::string(http::framing_name(*r.framing))) : json(nullptr);
        put_bytes(resp, "body", body);
        resp["body_bytes"] = r.body_bytes;
        if (body_truncated) resp["body_truncated"] = true;
        if (!r.trailers.empty()) resp["trailers"] = fields_json(r.trailers);
        put_bytes(resp, "raw_head", r.raw_head);
        resp["complete"] = r.complete;
        // The rule book applied to what the server sent (SPEC, "Response findings").
        resp["findings"] = findings_json(r.violations);
        if (r.status == 101 && ex.request) {
            // What the server sent after switching; WebSocket frames decoded, the accept checked.
            const auto c = http::websocket::check_handshake(
                std::string_view(ex.request->bytes).substr(0, ex.request->head_bytes), r.headers);
            json sw = {{"bytes", ex.switched_total}};
            put_bytes(sw, "data", ex.switched);
            if (c.websocket) {
                sw["websocket"] = {{"key", c.key ? json(*c.key) : json(nullptr)},
                                   {"accept", c.accept ? json(*c.accept) : json(nullptr)},
                                   {"expected_accept", c.key ? json(c.expected) : json(nullptr)},
                                   {"accept_ok", c.ok()}};
                json frames = json::array();
                for (const auto& f : http::websocket::decode_frames(ex.switched)) {
                    json fj = {{"fin", f.fin},         {"rsv", f.rsv},       {"opcode", f.opcode},
                               {"type", std::string(http::websocket::opcode_name(f.opcode))},
                               {"masked", f.masked},   {"length", f.length}, {"complete", f.complete}};
                    put_bytes(fj, "payload", f.payload);
                    frames.push_back(fj);
                }
                sw["frames"] = frames;
            }
            resp["switched"] = sw;
        }
        j["response"] = resp;
    } else {
        j["response"] = nullptr;
    }

    j["timing"] = {{"dns_ms", optional_ms(ex.timing.dns_ms)},
                   {"connect_ms", optional_ms(ex.timing.connect_ms)},
                   {"tls_ms", optional_ms(ex.timing.tls_ms)},
                   {"written_ms", optional_ms(ex.timing.written_ms)},
                   {"first_byte_ms", optional_ms(ex.timing.first_byte_ms)},
                   {"total_ms", ex.timing.total_ms}};
    if (ex.error) {
        j["error"] = {{"kind", std::string(kind_name(ex.error->kind))}, {"message", ex.error->message}};
        if (!ex.error->rule.empty()) j["error"]["rule"] = ex.error->rule;
    } else {
        j["error"] = nullptr;
    }
    if (!ex.notes.empty()) j["notes"] = ex.notes;
    return j;
}

json composed_request_json(const ComposedRequest& req, const std::string& target, bool tls) {
    json j;
    put_request_bytes(j, req);
    j["target"] = target.empty() ? json(nullptr) : json(target);
    j["tls"] = tls;
    j["line"] = req.line;
    j["notes"] = req.notes;
    return j;
}

std::string dump(const json& doc, bool to_terminal) {
    // `replace` only as a last resort: the documents built here hold valid
    // UTF-8 already (put_bytes, put_text, fields_json).
    std::string text = doc.dump(2, ' ', false, json::error_handler_t::replace);
    return to_terminal ? json_for_terminal(text) : text;
}

std::string json_for_terminal(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    auto put_u = [&](std::string& out, unsigned v) {
        out += "\\u";
        for (int shift = 12; shift >= 0; shift -= 4) out += hex[(v >> shift) & 15];
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            // nlohmann escapes C0 inside strings; DEL it leaves raw. Outside
            // strings there are only structural ASCII characters and spaces.
            if (c == 0x7f) put_u(out, c);
            else out += static_cast<char>(c);
            ++i;
            continue;
        }
        std::size_t n = utf8::sequence_length(text, i);
        if (n == 0) {  // cannot happen after dump(replace); never pass it raw
            put_u(out, 0xfffd);
            ++i;
            continue;
        }
        char32_t cp = utf8::decode(text, i, n);
        // Multi-byte characters occur only inside JSON strings, where a \u
        // escape means the same character: still valid, still the same JSON.
        if (utf8::is_terminal_unsafe(cp)) {
            if (cp >= 0x10000) {
                unsigned v = static_cast<unsigned>(cp) - 0x10000;
                put_u(out, 0xd800 + (v >> 10));
                put_u(out, 0xdc00 + (v & 0x3ff));
            } else {
                put_u(out, static_cast<unsigned>(cp));
            }
        } else {
            out.append(text.data() + i, n);
        }
        i += n;
    }
    return out;
}

}  // namespace rawhttp::render
