#include "render/json_output.hpp"
#include "render/json_writer.hpp"
#include "http/rules.hpp"

#include "compose/wire_bytes.hpp"
#include "core/base64.hpp"
#include "core/utf8.hpp"
#include "http/websocket.hpp"
#include "render/escape.hpp"

namespace rawhttp::render {

namespace {

// Bytes under `key` when valid UTF-8, else under `key_base64` (put_bytes).
void bytes_member(JsonWriter& w, std::string_view key, std::string_view bytes) {
    if (is_valid_utf8(bytes)) {
        w.key(key).valid_string(bytes);
    } else {
        w.key(std::string(key) + "_base64").valid_string(base64_encode(bytes));
    }
}

// Text under `key` always, and the exact bytes under `key_base64` when not valid UTF-8 (put_text).
void text_member(JsonWriter& w, std::string_view key, std::string_view bytes) {
    if (utf8::is_valid(bytes)) {
        w.key(key).valid_string(bytes);
    } else {
        w.key(key).string(bytes);  // the writer makes ill-formed bytes U+FFFD
        w.key(std::string(key) + "_base64").valid_string(base64_encode(bytes));
    }
}

void optional_ms(JsonWriter& w, std::string_view key, const std::optional<double>& v) {
    w.key(key);
    if (v) w.number(*v);
    else w.null();
}

// "text" is the bytes held; a body file too large to hold is not in it but
// listed in "streamed" with where its bytes go; "bytes" counts every byte.
// With the exchange that sent it: how much of it went out.
void write_request_bytes(JsonWriter& w, const ComposedRequest& req, const client::ExchangeResult* sent) {
    w.begin_object();
    // Less than compose printed only when a final status came before a 100-continue body.
    if (sent) w.key("body_withheld").boolean(sent->body_withheld);
    w.key("bytes").number(static_cast<std::uint64_t>(wire_size(req)));
    if (sent) w.key("bytes_sent").number(static_cast<std::uint64_t>(sent->bytes_written));
    if (!req.streamed.empty()) {
        w.key("streamed").begin_array();
        for (const auto& f : req.streamed)
            w.begin_object()
                .key("at").number(static_cast<std::uint64_t>(f.at))
                .key("bytes").number(f.size)
                .key("file").string(f.path)
                .end_object();
        w.end_array();
    }
    bytes_member(w, "text", req.bytes);
    w.end_object();
}

void write_connection(JsonWriter& w, const client::ExchangeResult& ex) {
    if (!ex.connection) {
        w.null();
        return;
    }
    const auto& c = *ex.connection;
    w.begin_object();
    w.key("local").string(c.local);
    w.key("number").number(static_cast<std::uint64_t>(ex.connection_number));
    w.key("remote").string(c.remote);
    w.key("resolved").strings(c.resolved);
    w.key("reused").boolean(ex.reused_connection);
    w.key("tls");
    if (c.tls_version) {
        w.begin_object();
        w.key("alpn");
        if (c.tls_alpn) w.string(*c.tls_alpn);
        else w.null();
        if (c.cert_subject)
            w.key("certificate").begin_object()
                .key("expires").string(c.cert_expiry.value_or(""))
                .key("issuer").string(c.cert_issuer.value_or(""))
                .key("names").strings(c.cert_names)
                .key("subject").string(*c.cert_subject)
                .end_object();
        w.key("cipher").string(c.tls_cipher.value_or(""));
        w.key("version").string(*c.tls_version);
        w.end_object();
    } else {
        w.null();
    }
    if (ex.tunnel) w.key("tunnel").string(*ex.tunnel);  // through a CONNECT tunnel to there
    w.key("via").string(c.via_libcurl ? "curl" : "rawhttp");
    w.end_object();
}

// What the server sent after a 101; WebSocket frames decoded, the accept checked.
void write_switched(JsonWriter& w, const client::ExchangeResult& ex, const client::Response& r) {
    const auto c = http::websocket::check_handshake(
        std::string_view(ex.request->bytes).substr(0, ex.request->head_bytes), r.headers);
    w.begin_object();
    w.key("bytes").number(ex.switched_total);
    bytes_member(w, "data", ex.switched);
    if (c.websocket) {
        w.key("frames").begin_array();
        for (const auto& f : http::websocket::decode_frames(ex.switched)) {
            w.begin_object();
            w.key("complete").boolean(f.complete);
            w.key("fin").boolean(f.fin);
            w.key("length").number(f.length);
            w.key("masked").boolean(f.masked);
            w.key("opcode").number(f.opcode);
            bytes_member(w, "payload", f.payload);
            w.key("rsv").number(f.rsv);
            w.key("type").string(http::websocket::opcode_name(f.opcode));
            w.end_object();
        }
        w.end_array();
        auto optional = [&](std::string_view key, const std::optional<std::string>& v) {
            w.key(key);
            if (v) w.string(*v);
            else w.null();
        };
        w.key("websocket").begin_object();
        optional("accept", c.accept);
        w.key("accept_ok").boolean(c.ok());
        optional("expected_accept", c.key ? std::optional<std::string>(c.expected) : std::nullopt);
        optional("key", c.key);
        w.end_object();
    }
    w.end_object();
}

void write_response(JsonWriter& w, const client::ExchangeResult& ex, std::string_view body, bool body_truncated) {
    if (!ex.response) {
        w.null();
        return;
    }
    const auto& r = *ex.response;
    w.begin_object();
    bytes_member(w, "body", body);
    w.key("body_bytes").number(r.body_bytes);
    if (body_truncated) w.key("body_truncated").boolean(true);
    w.key("complete").boolean(r.complete);
    // The rule book applied to what the server sent (SPEC, "Response findings").
    w.key("findings");
    write_findings(w, r.violations);
    w.key("framing");
    if (r.framing) w.string(http::framing_name(*r.framing));
    else w.null();
    w.key("headers");
    write_fields(w, r.headers);
    w.key("interim").begin_array();
    for (const auto& i : r.interim) {
        w.begin_object();
        w.key("headers");
        write_fields(w, i.headers);
        bytes_member(w, "raw_head", i.raw_head);
        text_member(w, "reason", i.reason);
        w.key("status").number(i.status);
        w.end_object();
    }
    w.end_array();
    bytes_member(w, "raw_head", r.raw_head);
    if (r.head_complete) text_member(w, "reason", r.reason);
    else w.key("reason").null();
    w.key("status");
    if (r.head_complete) w.number(r.status);
    else w.null();
    if (r.status == 101 && ex.request) {
        w.key("switched");
        write_switched(w, ex, r);
    }
    if (!r.trailers.empty()) {
        w.key("trailers");
        write_fields(w, r.trailers);
    }
    w.key("version");
    if (r.head_complete) w.string(r.version);
    else w.null();
    w.end_object();
}

}  // namespace

std::string base64_encode(std::string_view in) { return rawhttp::base64_encode(in); }

void write_fields(JsonWriter& w, const client::Fields& fields) {
    w.begin_array();
    for (const auto& [name, value] : fields) {
        w.begin_array().string(name).string(value);
        if (!utf8::is_valid(name) || !utf8::is_valid(value))
            w.begin_object()
                .key("name_base64").string(base64_encode(name))
                .key("value_base64").string(base64_encode(value))
                .end_object();
        w.end_array();
    }
    w.end_array();
}

void write_findings(JsonWriter& w, const http::Violations& violations) {
    w.begin_array();
    for (const auto& v : violations) {
        const auto& rule = http::rule_info(v.rule);
        const auto sev = http::severity_of(v.rule, http::MessageKind::response).value_or(http::Severity::warning);
        w.begin_object();
        w.key("id").string(rule.id);
        w.key("message").string(v.detail);
        w.key("offset").number(static_cast<std::uint64_t>(v.offset));
        w.key("rfc").string(rule.rfc);
        w.key("risk");
        if (rule.risk == http::Risk::none) w.null();
        else w.string(http::risk_name(rule.risk));
        w.key("severity").string(http::severity_name(sev));
        w.end_object();
    }
    w.end_array();
}

void write_exchange(JsonWriter& w, const client::ExchangeResult& ex, std::string_view body, bool body_truncated,
                    const ExchangeWording& wording) {
    w.begin_object();
    w.key("connection");
    write_connection(w, ex);
    w.key("error");
    if (ex.error) {
        w.begin_object();
        w.key("kind").string(kind_name(ex.error->kind));
        w.key("message").string(wording.error_message ? *wording.error_message : ex.error->message);
        if (!ex.error->rule.empty()) w.key("rule").string(ex.error->rule);
        w.end_object();
    } else {
        w.null();
    }
    if (!ex.notes.empty() || !wording.more_notes.empty()) {
        w.key("notes").begin_array();
        for (const auto& n : ex.notes) w.string(n);
        for (const auto& n : wording.more_notes) w.string(n);
        w.end_array();
    }
    w.key("request");
    if (ex.request) write_request_bytes(w, *ex.request, &ex);
    else w.begin_object().end_object();
    w.key("response");
    write_response(w, ex, body, body_truncated);
    w.key("timing").begin_object();
    optional_ms(w, "connect_ms", ex.timing.connect_ms);
    optional_ms(w, "dns_ms", ex.timing.dns_ms);
    optional_ms(w, "first_byte_ms", ex.timing.first_byte_ms);
    optional_ms(w, "tls_ms", ex.timing.tls_ms);
    w.key("total_ms").number(ex.timing.total_ms);
    optional_ms(w, "written_ms", ex.timing.written_ms);
    w.end_object();
    w.end_object();
}

// The trees are read back from the one writer of each shape.
json fields_json(const client::Fields& fields) {
    std::string text;
    JsonWriter w(text);
    write_fields(w, fields);
    return json::parse(text);
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

json findings_json(const http::Violations& violations) {
    std::string text;
    JsonWriter w(text);
    write_findings(w, violations);
    return json::parse(text);
}

void put_response_head(json& obj, const client::Response& r) {
    // Taken from the one writer of a response, so the two documents cannot differ.
    client::ExchangeResult ex;
    ex.response = r;
    std::string text;
    JsonWriter w(text);
    write_response(w, ex, {}, false);
    json whole = json::parse(text);
    for (const char* key : {"version", "status", "reason", "reason_base64", "headers"})
        if (whole.contains(key)) obj[key] = whole[key];
}

json exchange_json(const client::ExchangeResult& ex, std::string_view body, bool body_truncated) {
    std::string text;
    JsonWriter w(text);
    write_exchange(w, ex, body, body_truncated, {});
    return json::parse(text);
}

json composed_request_json(const ComposedRequest& req, const std::string& target, bool tls) {
    std::string text;
    JsonWriter w(text);
    write_request_bytes(w, req, nullptr);
    json j = json::parse(text);
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
