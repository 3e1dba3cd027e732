#include "relay/har.hpp"

#include <cstdio>
#include <ctime>
#include <fstream>

#include "render/escape.hpp"
#include "render/json_output.hpp"

namespace rawhttp::relay {

namespace {

using nlohmann::json;

std::string iso_time(std::chrono::system_clock::time_point t) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[64];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
    return out;
}

std::string header(const Side& s, std::string_view name) {
    for (const auto& [n, v] : s.headers)
        if (http::iequals(n, name)) return v;
    return "";
}

json headers_of(const Side& s) {
    json a = json::array();
    for (const auto& [n, v] : s.headers) a.push_back({{"name", n}, {"value", v}});
    return a;
}

json query_of(std::string_view target) {
    json a = json::array();
    std::size_t q = target.find('?');
    if (q == std::string_view::npos) return a;
    std::string_view rest = target.substr(q + 1);
    if (std::size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    while (!rest.empty()) {
        std::size_t amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        std::size_t eq = pair.find('=');
        a.push_back({{"name", std::string(pair.substr(0, eq))},
                     {"value", eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1))}});
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    }
    return a;
}

// The body's bytes, when the report kept all of them and they are not chunked.
std::optional<std::string_view> whole_body(const Side& s) {
    if (!s.head_complete || !s.complete || s.framing == http::Framing::chunked) return std::nullopt;
    if (s.bytes > s.shown.size() || s.shown.size() < s.raw_head.size()) return std::nullopt;
    return std::string_view(s.shown).substr(s.shown.size() - static_cast<std::size_t>(s.body_bytes));
}

json findings_of(const Side& s) {
    json a = json::array();
    for (const auto& f : s.findings)
        a.push_back({{"id", f.id}, {"severity", std::string(http::severity_name(f.severity))}, {"offset", f.offset}});
    return a;
}

long long head_size(const Side& s) { return s.head_complete ? static_cast<long long>(s.raw_head.size()) : -1; }
long long body_size(const Side& s) {
    return s.head_complete ? static_cast<long long>(s.bytes - std::min<std::uint64_t>(s.bytes, s.raw_head.size())) : -1;
}

}  // namespace

json HarLog::entry(const Exchange& ex, bool as_proxy, bool tls) {
    const Side& rq = ex.request;
    const Side& rs = ex.response;
    std::string url;
    if (rq.method == "CONNECT") url = "https://" + rq.target + "/";
    else if (as_proxy || rq.target.rfind("http://", 0) == 0 || rq.target.rfind("https://", 0) == 0) url = rq.target;
    else {
        std::string host = header(rq, "host");
        url = std::string(tls ? "https://" : "http://") + (host.empty() ? ex.upstream : host) + rq.target;
    }
    json request = {{"method", rq.method},
                    {"url", url},
                    {"httpVersion", rq.version},
                    {"cookies", json::array()},
                    {"headers", headers_of(rq)},
                    {"queryString", query_of(rq.target)},
                    {"headersSize", head_size(rq)},
                    {"bodySize", body_size(rq)},
                    {"_findings", findings_of(rq)}};
    if (rq.body_bytes > 0) {
        json post = {{"mimeType", header(rq, "content-type")}, {"params", json::array()}};
        auto body = whole_body(rq);
        post["text"] = body && render::is_valid_utf8(*body) ? std::string(*body) : std::string();
        if (!body) post["comment"] = "the body was not kept whole (--save DIR writes it)";
        request["postData"] = post;
    }
    json content = {{"size", rs.body_bytes}, {"mimeType", header(rs, "content-type")}};
    if (auto body = whole_body(rs)) {
        if (render::is_valid_utf8(*body)) content["text"] = std::string(*body);
        else {
            content["text"] = render::base64_encode(*body);
            content["encoding"] = "base64";
        }
    }
    json response = {{"status", rs.status},
                     {"statusText", rs.reason},
                     {"httpVersion", rs.version},
                     {"cookies", json::array()},
                     {"headers", headers_of(rs)},
                     {"content", content},
                     {"redirectURL", header(rs, "location")},
                     {"headersSize", head_size(rs)},
                     {"bodySize", body_size(rs)},
                     {"_findings", findings_of(rs)}};
    auto nonneg = [](double v) { return v < 0 ? 0.0 : v; };
    const double fwd = ex.forwarded_ms.value_or(ex.received_ms.value_or(0));
    const double first = ex.first_byte_ms.value_or(fwd);
    const double total = ex.total_ms.value_or(first);
    json timings = {{"blocked", -1}, {"dns", -1}, {"connect", -1}, {"ssl", -1},
                    {"send", nonneg(fwd)}, {"wait", nonneg(first - fwd)}, {"receive", nonneg(total - first)}};
    std::string server_ip = ex.upstream;
    if (std::size_t colon = server_ip.rfind(':'); colon != std::string::npos) server_ip = server_ip.substr(0, colon);
    if (server_ip.size() > 1 && server_ip.front() == '[') server_ip = server_ip.substr(1, server_ip.size() - 2);
    json e = {{"startedDateTime", iso_time(ex.started_at)},
              {"time", nonneg(total)},
              {"request", request},
              {"response", response},
              {"cache", json::object()},
              {"timings", timings},
              {"serverIPAddress", server_ip},
              {"connection", std::to_string(ex.connection)},
              {"comment", "exchange " + std::to_string(ex.id) + " from client " + ex.client}};
    if (ex.tunnel) e["_tunnel"] = true;
    return e;
}

bool HarLog::add(const Exchange& ex, bool as_proxy, bool tls, std::string& error) {
    std::lock_guard<std::mutex> lock(m_);
    entries_.push_back(entry(ex, as_proxy, tls));
    json doc = {{"log",
                 {{"version", "1.2"},
                  {"creator", {{"name", "rawhttp relay"}, {"version", RAWHTTP_VERSION}}},
                  {"entries", entries_}}}};
    std::string tmp = path_ + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        // Header values need not be UTF-8: HAR is JSON text, so ill-formed bytes become U+FFFD.
        f << doc.dump(1, ' ', false, json::error_handler_t::replace) << "\n";
        if (!f) {
            error = "cannot write '" + tmp + "'";
            return false;
        }
    }
    if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
        error = "cannot rename '" + tmp + "' to '" + path_ + "'";
        return false;
    }
    return true;
}

bool HarLog::write(std::string& error) {
    std::lock_guard<std::mutex> lock(m_);
    json doc = {{"log",
                 {{"version", "1.2"},
                  {"creator", {{"name", "rawhttp relay"}, {"version", RAWHTTP_VERSION}}},
                  {"entries", entries_}}}};
    std::ofstream f(path_, std::ios::binary | std::ios::trunc);
    f << doc.dump(1) << "\n";
    if (!f) {
        error = "cannot write it";
        return false;
    }
    return true;
}

}  // namespace rawhttp::relay
