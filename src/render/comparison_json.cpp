#include "render/comparison_json.hpp"

#include "http/message.hpp"
#include "render/json_output.hpp"

namespace rawhttp::render {

using nlohmann::json;

namespace {

// An optional value under `key`: null when absent; bytes that are not UTF-8
// also as key + "_base64" (put_text), so --json never alters them.
void put_opt(json& obj, const std::string& key, const std::optional<std::string>& v) {
    if (v) put_text(obj, key, *v);
    else obj[key] = nullptr;
}

json timing_json(const client::Timing& t) {
    auto ms = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    return {{"dns_ms", ms(t.dns_ms)},         {"connect_ms", ms(t.connect_ms)}, {"tls_ms", ms(t.tls_ms)},
            {"written_ms", ms(t.written_ms)}, {"first_byte_ms", ms(t.first_byte_ms)}, {"total_ms", t.total_ms}};
}

json side_request_json(const SideSummary& s) {
    json j = json::object();
    put_bytes(j, "text", s.request);
    j["bytes"] = s.request.size();
    return j;
}

json side_response_json(const SideSummary& s) {
    json j = json::object();
    j["sent"] = s.sent;
    if (s.response) {
        const auto& r = *s.response;
        put_response_head(j, r);
        json interim = json::array();
        for (const auto& i : r.interim) {
            json ij = {{"status", i.status}};
            put_text(ij, "reason", i.reason);
            interim.push_back(ij);
        }
        j["interim"] = interim;
        j["framing"] = r.framing ? json(std::string(http::framing_name(*r.framing))) : json(nullptr);
        j["body_bytes"] = r.body_bytes;
        j["body_sha256"] = s.body_sha256;
        j["findings"] = findings_json(r.violations);
        put_bytes(j, "raw_head", r.raw_head);
        j["complete"] = r.complete;
    } else {
        j["status"] = nullptr;
    }
    j["error"] = s.error ? json{{"kind", std::string(kind_name(s.error->kind))}, {"message", s.error->message}}
                         : json(nullptr);
    if (s.connection) j["connection"] = {{"remote", s.connection->remote}, {"local", s.connection->local}};
    else j["connection"] = nullptr;
    return j;
}

json difference_json(const ResponseDifference& d) {
    json j = {{"what", d.what}, {"message", d.message}};
    put_opt(j, "rawhttp", d.rawhttp);
    put_opt(j, "curl", d.curl);
    if (!d.name.empty()) j["name"] = d.name;
    return j;
}

}  // namespace

json comparison_json(const Comparison& r) {
    json doc;
    doc["match"] = r.match();
    doc["mode"] = r.curl_mode;
    doc["strict"] = r.strict;
    doc["curl_version"] = r.curl_version;
    doc["volatile_headers"] = json::array();
    for (const auto& v : r.volatile_headers) doc["volatile_headers"].push_back(v);
    std::size_t total = 0;
    json exchanges = json::array();
    for (const auto& e : r.exchanges) {
        json ej;
        ej["index"] = e.index;
        ej["line"] = e.line;
        json rq;
        rq["rawhttp"] = side_request_json(e.rawhttp);
        rq["curl"] = side_request_json(e.curl);
        rq["identical"] = e.request.identical;
        rq["compared"] = e.request.compared;
        rq["body_equal"] = e.request.body_equal;
        json lines = json::array();
        for (const auto& l : e.request.lines) {
            json lj = {{"op", std::string(1, l.op)}};
            put_bytes(lj, "text", l.text);
            lines.push_back(lj);
        }
        rq["diff"] = lines;
        json changes = json::array();
        for (const auto& c : e.request.changes) {
            json cj = {{"kind", std::string(change_kind_name(c.kind))},
                       {"name", c.name.empty() ? json(nullptr) : json(c.name)},
                       {"message", c.message}};
            put_opt(cj, "rawhttp", c.rawhttp);
            put_opt(cj, "curl", c.curl);
            changes.push_back(cj);
        }
        rq["changes"] = changes;
        rq["curl_command"] = e.curl_command;
        ej["requests"] = rq;
        json rs;
        rs["rawhttp"] = side_response_json(e.rawhttp);
        rs["curl"] = side_response_json(e.curl);
        rs["match"] = e.response.match();
        json diffs = json::array(), vol = json::array();
        for (const auto& d : e.response.differences) diffs.push_back(difference_json(d));
        for (const auto& d : e.response.volatile_differences) vol.push_back(difference_json(d));
        rs["differences"] = diffs;
        rs["volatile"] = vol;
        ej["responses"] = rs;
        ej["timing"] = {{"rawhttp", timing_json(e.rawhttp.timing)}, {"curl", timing_json(e.curl.timing)}};
        ej["match"] = e.match();
        ej["differences"] = e.difference_count();
        total += e.difference_count();
        exchanges.push_back(ej);
    }
    doc["differences"] = total;
    doc["exchanges"] = exchanges;
    doc["notes"] = r.notes;
    return doc;
}

}  // namespace rawhttp::render
