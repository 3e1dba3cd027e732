#include "intake/curl_command_line.hpp"

#include <cctype>
#include <map>
#include <string_view>

namespace rawhttp::intake {

namespace {

enum class Opt {
    request, header, data, data_binary, data_raw, data_urlencode, json, get, user_agent, referer, user, cookie,
    head, http10, http11, compressed, path_as_is, request_target, url,
    dropped_flag, dropped_value,
};

struct OptInfo {
    Opt opt;
    bool takes_value;
};

const std::map<std::string, OptInfo, std::less<>>& long_options() {
    static const std::map<std::string, OptInfo, std::less<>> m = {
        {"--request", {Opt::request, true}}, {"--header", {Opt::header, true}}, {"--data", {Opt::data, true}},
        {"--data-ascii", {Opt::data, true}}, {"--data-binary", {Opt::data_binary, true}},
        {"--data-raw", {Opt::data_raw, true}}, {"--data-urlencode", {Opt::data_urlencode, true}},
        {"--json", {Opt::json, true}}, {"--get", {Opt::get, false}}, {"--user-agent", {Opt::user_agent, true}},
        {"--referer", {Opt::referer, true}}, {"--user", {Opt::user, true}}, {"--cookie", {Opt::cookie, true}},
        {"--head", {Opt::head, false}}, {"--http1.0", {Opt::http10, false}}, {"--http1.1", {Opt::http11, false}},
        {"--compressed", {Opt::compressed, false}}, {"--path-as-is", {Opt::path_as_is, false}},
        {"--request-target", {Opt::request_target, true}}, {"--url", {Opt::url, true}},
        // Only what curl does with the answer, or how long it waits.
        {"--silent", {Opt::dropped_flag, false}}, {"--show-error", {Opt::dropped_flag, false}},
        {"--verbose", {Opt::dropped_flag, false}}, {"--include", {Opt::dropped_flag, false}},
        {"--location", {Opt::dropped_flag, false}}, {"--insecure", {Opt::dropped_flag, false}},
        {"--fail", {Opt::dropped_flag, false}}, {"--remote-name", {Opt::dropped_flag, false}},
        {"--no-progress-meter", {Opt::dropped_flag, false}}, {"--progress-bar", {Opt::dropped_flag, false}},
        {"--output", {Opt::dropped_value, true}}, {"--write-out", {Opt::dropped_value, true}},
        {"--max-time", {Opt::dropped_value, true}}, {"--connect-timeout", {Opt::dropped_value, true}},
        {"--retry", {Opt::dropped_value, true}}, {"--cacert", {Opt::dropped_value, true}},
        {"--trace-ascii", {Opt::dropped_value, true}}, {"--trace", {Opt::dropped_value, true}},
    };
    return m;
}

std::optional<OptInfo> short_option(char c) {
    switch (c) {
        case 'X': return OptInfo{Opt::request, true};
        case 'H': return OptInfo{Opt::header, true};
        case 'd': return OptInfo{Opt::data, true};
        case 'G': return OptInfo{Opt::get, false};
        case 'A': return OptInfo{Opt::user_agent, true};
        case 'e': return OptInfo{Opt::referer, true};
        case 'u': return OptInfo{Opt::user, true};
        case 'b': return OptInfo{Opt::cookie, true};
        case 'I': return OptInfo{Opt::head, false};
        case '0': return OptInfo{Opt::http10, false};
        case 's': case 'S': case 'v': case 'i': case 'L': case 'k': case 'f': case 'O': case '#':
            return OptInfo{Opt::dropped_flag, false};
        case 'o': case 'w': case 'm': return OptInfo{Opt::dropped_value, true};
        default: return std::nullopt;
    }
}

}  // namespace

std::string form_urlencode(std::string_view value) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') out += c;
        else if (c == ' ') out += '+';
        else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

Result<CurlCommandLine> parse_curl_command_line(const std::vector<std::string>& words) {
    CurlCommandLine out;
    CurlArgs& a = out.args;
    std::size_t i = 0;
    if (!words.empty() && (words[0] == "curl" || words[0].ends_with("/curl"))) ++i;
    bool get = false, have_url = false;
    std::vector<std::string> dropped;
    auto apply = [&](const OptInfo& info, const std::string& name, const std::string& value) -> std::optional<Error> {
        switch (info.opt) {
            case Opt::request: a.method = value; break;
            case Opt::header: a.headers.push_back(value); break;
            case Opt::data: a.data.push_back({DataKind::form, value}); break;
            case Opt::data_binary: a.data.push_back({DataKind::binary, value}); break;
            case Opt::data_raw: a.data.push_back({DataKind::raw, value}); break;
            case Opt::json: a.data.push_back({DataKind::json, value}); break;
            case Opt::data_urlencode: {
                // "name=value" encodes the value; "=value" and "value" encode it all.
                std::size_t eq = value.find('=');
                if (value.find('@') != std::string::npos && (eq == std::string::npos || value.find('@') < eq))
                    return make_error(ErrorKind::usage, "curl option " + name + " '" + value +
                                                            "': reading a file to encode (name@file) is not supported");
                std::string v = eq == std::string::npos ? form_urlencode(value)
                                : eq == 0               ? form_urlencode(value.substr(1))
                                                        : value.substr(0, eq + 1) + form_urlencode(value.substr(eq + 1));
                a.data.push_back({DataKind::raw, v});
                break;
            }
            case Opt::get: get = true; break;
            case Opt::user_agent: a.user_agent = value; break;
            case Opt::referer: a.referer = value; break;
            case Opt::user: a.user = value; break;
            case Opt::cookie: a.cookie = value; break;
            case Opt::head: a.head = true; break;
            case Opt::http10: a.http10 = true; break;
            case Opt::http11: break;  // what rawhttp speaks anyway
            case Opt::compressed: a.accept_encoding = "deflate, gzip, br, zstd"; break;
            case Opt::path_as_is: a.path_as_is = true; break;
            case Opt::request_target: a.request_target = value; break;
            case Opt::url:
                if (have_url)
                    return make_error(ErrorKind::usage, "the curl command has two URLs ('" + a.url + "' and '" + value +
                                                            "'); import one request at a time");
                a.url = value;
                have_url = true;
                break;
            case Opt::dropped_flag:
            case Opt::dropped_value: dropped.push_back(name); break;
        }
        return std::nullopt;
    };
    for (; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w.size() >= 2 && w[0] == '-' && w[1] == '-') {
            auto it = long_options().find(w);
            if (it == long_options().end())
                return make_error(ErrorKind::usage, "the curl option '" + w +
                                                        "' is not one rawhttp can import (it changes the request in a "
                                                        "way rawhttp does not reproduce); remove it, or write the .req "
                                                        "by hand");
            std::string value;
            if (it->second.takes_value) {
                if (i + 1 >= words.size())
                    return make_error(ErrorKind::usage, "the curl option '" + w + "' needs a value");
                value = words[++i];
            }
            if (auto err = apply(it->second, w, value)) return *err;
        } else if (w.size() >= 2 && w[0] == '-') {
            // A cluster of short options: -sSL, -XPOST, -H 'X: 1'.
            for (std::size_t k = 1; k < w.size(); ++k) {
                auto info = short_option(w[k]);
                const std::string name = std::string("-") + w[k];
                if (!info)
                    return make_error(ErrorKind::usage, "the curl option '" + name +
                                                            "' is not one rawhttp can import (it changes the request in "
                                                            "a way rawhttp does not reproduce); remove it, or write the "
                                                            ".req by hand");
                if (!info->takes_value) {
                    if (auto err = apply(*info, name, "")) return *err;
                    continue;
                }
                std::string value;
                if (k + 1 < w.size()) value = w.substr(k + 1);
                else if (i + 1 < words.size()) value = words[++i];
                else return make_error(ErrorKind::usage, "the curl option '" + name + "' needs a value");
                if (auto err = apply(*info, name, value)) return *err;
                break;
            }
        } else {
            if (auto err = apply({Opt::url, true}, "URL", w)) return *err;
        }
    }
    if (!have_url) return make_error(ErrorKind::usage, "the curl command has no URL");
    if (get && !a.data.empty()) {
        // -G: the data goes in the query instead of a body.
        std::string query;
        for (std::size_t k = 0; k < a.data.size(); ++k) {
            if (k > 0) query += '&';
            if (!a.data[k].value.empty() && a.data[k].value[0] == '@' && a.data[k].kind != DataKind::raw)
                return make_error(ErrorKind::usage, "-G with data read from a file is not supported; put the query in the URL");
            query += a.data[k].value;
        }
        std::size_t hash = a.url.find('#');
        std::string frag = hash == std::string::npos ? "" : a.url.substr(hash);
        std::string base = a.url.substr(0, hash);
        a.url = base + (base.find('?') == std::string::npos ? "?" : "&") + query + frag;
        a.data.clear();
    }
    if (!dropped.empty()) {
        std::string list;
        for (const auto& d : dropped) list += (list.empty() ? "" : " ") + d;
        out.notes.push_back("dropped " + list + ": they change what curl does with the answer or how long it "
                            "waits, not the request");
    }
    return out;
}

}  // namespace rawhttp::intake
