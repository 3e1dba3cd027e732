// rawhttp rules [ID]: the rule book itself, the one table lint, serve, listen,
// send's "why" and the response findings decide from.
#include <unistd.h>

#include <memory>

#include "cli/common.hpp"
#include "cli/options_output.hpp"
#include "http/rules.hpp"
#include "render/escape.hpp"
#include "render/json_output.hpp"

namespace rawhttp::cli {

namespace {

std::string severity_or_dash(const std::optional<http::Severity>& s) {
    return s ? std::string(http::severity_name(*s)) : std::string("-");
}

render::json severity_or_null(const std::optional<http::Severity>& s) {
    return s ? render::json(std::string(http::severity_name(*s))) : render::json(nullptr);
}

std::string pad(std::string s, std::size_t n) { return s.size() < n ? s + std::string(n - s.size(), ' ') : s + " "; }

struct RulesCmd {
    std::string id;
    bool json = false;

    int run() {
        std::vector<const http::RuleInfo*> rules;
        for (const auto& r : http::all_rules())
            if (id.empty() || r.id == id) rules.push_back(&r);
        if (rules.empty()) {
            print_error("rules: no rule '" + id + "' (rawhttp rules lists them all)");
            return 2;
        }
        const http::Limits lim;
        if (json) {
            render::json doc = render::json::array();
            for (const auto* r : rules)
                doc.push_back({{"id", std::string(r->id)},
                               {"rfc", std::string(r->rfc)},
                               {"request", severity_or_null(r->request)},
                               {"response", severity_or_null(r->response)},
                               {"status", r->status.empty() ? render::json(nullptr) : render::json(std::string(r->status))},
                               {"risk", r->risk == http::Risk::none ? render::json(nullptr)
                                                                    : render::json(std::string(http::risk_name(r->risk)))},
                               {"servers", std::string(r->servers)},
                               {"fix", std::string(r->fix)},
                               {"next_message", r->next_message}});
            render::json out = {{"rules", doc},
                                {"limits", {{"request_line", lim.max_request_line},
                                            {"field_line", lim.max_field_line},
                                            {"fields", lim.max_fields},
                                            {"head", lim.max_head},
                                            {"large_head", lim.large_head},
                                            {"chunk_ext", lim.max_chunk_ext},
                                            {"trailer", lim.max_trailer}}}};
            write_all_fd(1, render::dump(out, ::isatty(1) == 1) + "\n");
            return 0;
        }
        render::Style s{render::want_color(1)};
        std::string out;
        if (id.empty())
            out += render::bold(pad("rule", 40) + pad("request", 9) + pad("response", 9) + pad("status", 8) + "RFC", s) +
                   "\n";
        for (const auto* r : rules) {
            if (!id.empty()) {
                out += render::bold(std::string(r->id), s) + "\n  " + std::string(r->rfc) + "\n";
                out += "  request:  " + (r->request ? severity_or_dash(r->request) : "- (a rule for responses only)") +
                       (r->next_message ? " (about the bytes after the message: even --strict answers this one)" : "") +
                       "\n  response: " + severity_or_dash(r->response) + "\n";
                if (!r->status.empty()) out += "  a strict server answers " + std::string(r->status) + "\n";
                if (r->risk != http::Risk::none)
                    out += "  risk:     " + std::string(http::risk_name(r->risk)) + ": " +
                           std::string(http::risk_text(r->risk)) + "\n";
                if (!r->servers.empty()) out += "  observed: " + std::string(r->servers) + "\n";
                out += "  fix:      " + std::string(r->fix) + "\n";
                continue;
            }
            out += pad(std::string(r->id), 40) + pad(severity_or_dash(r->request), 9) +
                   pad(severity_or_dash(r->response), 9) + pad(r->status.empty() ? "-" : std::string(r->status), 8) +
                   std::string(r->rfc) + "\n";
        }
        if (id.empty())
            out += "\nlimits: request line " + std::to_string(lim.max_request_line) + " bytes, field line " +
                   std::to_string(lim.max_field_line) + " bytes, " + std::to_string(lim.max_fields) +
                   " fields, head " + std::to_string(lim.max_head) + " bytes (a warning past " +
                   std::to_string(lim.large_head) + "), chunk extensions " + std::to_string(lim.max_chunk_ext) +
                   " bytes a line, trailers " + std::to_string(lim.max_trailer) + " bytes\n";
        write_all_fd(1, out);
        return 0;
    }
};

}  // namespace

void add_rules_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<RulesCmd>();
    Command* sub = add_command(app, "rules", "the rule book lint and serve judge by: ids, severities, statuses, RFC sections");
    sub->footer(
        "Every rule of HTTP/1.1 syntax, framing and limits that rawhttp applies, once:\n"
        "lint reports these ids, serve answers the first error's status, listen and send's\n"
        "\"why\" cite them, and send's response findings use their response severity.\n"
        "request: error = a strict server rejects it (serve does); warning = only some real\n"
        "servers do (serve accepts it, serve --strict rejects it). response: error = send\n"
        "cannot read the response (exit 8; 18 when the server closed it early); warning = read as RFC\n"
        "9112 tells a client, reported.\n\n"
        "Examples:\n"
        "  rawhttp rules\n"
        "  rawhttp rules bare-lf\n"
        "  rawhttp rules --json | jq '.rules[] | select(.request == \"error\") | .id'");
    sub->add_option("ID", cmd->id, "show one rule in full (an id from the list, e.g. host-missing)");
    add_json(*sub, cmd->json, "{\"rules\": [...], \"limits\": {...}}");
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
