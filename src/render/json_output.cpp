#include "render/json_output.hpp"

#include "render/escape.hpp"

namespace rawhttp::render {

namespace {

json fields_json(const client::Fields& fields) {
    json arr = json::array();
    for (const auto& [name, value] : fields) arr.push_back(json::array({name, value}));
    return arr;
}

json optional_ms(const std::optional<double>& v) {
    return v ? json(*v) : json(nullptr);
}

}  // namespace

std::string base64_encode(std::string_view in) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                     static_cast<unsigned char>(in[i + 2]);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (std::size_t rest = in.size() - i) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (rest == 2) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += rest == 2 ? table[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

void put_bytes(json& obj, const std::string& key, std::string_view bytes) {
    if (is_valid_utf8(bytes)) obj[key] = std::string(bytes);
    else obj[key + "_base64"] = base64_encode(bytes);
}

json exchange_json(const client::ExchangeResult& ex, std::string_view body, bool body_truncated) {
    json j;
    json req = json::object();
    if (ex.request) {
        put_bytes(req, "text", ex.request->bytes);
        req["bytes"] = ex.request->bytes.size();
    }
    j["request"] = req;

    if (ex.connection) {
        const auto& c = *ex.connection;
        json tls = nullptr;
        if (c.tls_version) tls = {{"version", *c.tls_version}, {"cipher", c.tls_cipher.value_or("")}};
        j["connection"] = {{"remote", c.remote},
                           {"local", c.local},
                           {"resolved", c.resolved},
                           {"number", ex.connection_number},
                           {"reused", ex.reused_connection},
                           {"tls", tls},
                           {"via", c.via_libcurl ? "curl" : "rawhttp"}};
    } else {
        j["connection"] = nullptr;
    }

    if (ex.response) {
        const auto& r = *ex.response;
        json resp;
        resp["version"] = r.head_complete ? json(r.version) : json(nullptr);
        resp["status"] = r.head_complete ? json(r.status) : json(nullptr);
        resp["reason"] = r.head_complete ? json(r.reason) : json(nullptr);
        resp["headers"] = fields_json(r.headers);
        json interim = json::array();
        for (const auto& i : r.interim) {
            json ij = {{"status", i.status}, {"reason", i.reason}, {"headers", fields_json(i.headers)}};
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
    } else {
        j["error"] = nullptr;
    }
    if (!ex.notes.empty()) j["notes"] = ex.notes;
    return j;
}

json composed_request_json(const ComposedRequest& req, const std::string& target, bool tls) {
    json j;
    put_bytes(j, "text", req.bytes);
    j["bytes"] = req.bytes.size();
    j["target"] = target.empty() ? json(nullptr) : json(target);
    j["tls"] = tls;
    j["line"] = req.line;
    j["notes"] = req.notes;
    return j;
}

std::string dump(const json& doc) {
    return doc.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace rawhttp::render
