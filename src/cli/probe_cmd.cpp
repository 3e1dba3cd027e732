// rawhttp probe HOST:PORT [HOST:PORT...]: how strict is a server? The rule
// book's battery, each test on a fresh connection, judged pass / warn / fail,
// as a grid (one column per server when there are several) or as JSON.
#include <unistd.h>

#include <memory>
#include <sstream>

#include "cli/common.hpp"
#include "cli/options_input.hpp"
#include "cli/options_output.hpp"
#include "cli/options_tls.hpp"
#include "http/rules.hpp"
#include "lint/lint.hpp"
#include "net/transport.hpp"
#include "probe/probe.hpp"
#include "render/escape.hpp"
#include "render/json_output.hpp"

namespace rawhttp::cli {

namespace {

std::string level_name(http::Level l) {
    switch (l) {
        case http::Level::must: return "MUST";
        case http::Level::should: return "SHOULD";
        case http::Level::may: return "MAY";
        case http::Level::limit: return "limit";
    }
    return "";
}

std::string pad(std::string s, std::size_t n) { return s.size() < n ? s + std::string(n - s.size(), ' ') : s + " "; }

std::vector<std::string> split_commas(const std::vector<std::string>& in) {
    std::vector<std::string> out;
    for (const auto& s : in) {
        std::stringstream ss(s);
        for (std::string part; std::getline(ss, part, ',');)
            if (!part.empty()) out.push_back(part);
    }
    return out;
}

std::string colored_verdict(probe::Verdict v, const render::Style& s) {
    const std::string name(probe::verdict_name(v));
    if (!s.color) return name;
    const char* code = v == probe::Verdict::pass ? "\x1b[32m" : v == probe::Verdict::warn ? "\x1b[33m" : "\x1b[31m";
    return code + name + "\x1b[0m";
}

render::json report_json(const probe::ProbeReport& r) {
    render::json tests = render::json::array();
    for (const auto& t : r.results) {
        tests.push_back({{"id", t.test->id},
                         {"rule", t.test->rule ? render::json(std::string(http::rule_info(*t.test->rule).id))
                                               : render::json(nullptr)},
                         {"level", t.test->rule ? render::json(level_name(http::rule_info(*t.test->rule).level))
                                                : render::json(nullptr)},
                         {"category", t.test->category},
                         {"status", probe::answer_text(t.answer)},
                         {"verdict", std::string(probe::verdict_name(t.verdict))},
                         {"why", t.why}});
    }
    return {{"target", r.target},
            {"tests", tests},
            {"score", {{"pass", r.pass}, {"warn", r.warn}, {"fail", r.fail}}}};
}

std::string score_line(const probe::ProbeReport& r) {
    const std::size_t scored = r.pass + r.warn + r.fail;
    return r.target + ": " + std::to_string(r.pass + r.warn) + "/" + std::to_string(scored) + " (" +
           std::to_string(r.pass) + " pass, " + std::to_string(r.warn) + " warn, " + std::to_string(r.fail) + " fail)";
}

// The user's .req files as probe tests for one target: composed with
// {{port}} set to its port (as the gallery's files expect), each request judged by the first rule it
// breaks (an error before a warning), or as a valid request.
Result<std::vector<probe::ProbeTest>> file_tests(const std::vector<std::string>& files, int port,
                                                 const std::vector<std::string>& vars) {
    std::vector<probe::ProbeTest> out;
    for (const auto& f : files) {
        auto loaded = load_req(f);
        if (!loaded) return loaded.error();
        ReqInputOptions in;
        in.file = f;
        in.vars = vars;
        in.vars.push_back("port=" + std::to_string(port));
        auto reqs = compose_loaded(*loaded, in);
        if (!reqs) return reqs.error();
        const std::string name = f.substr(f.find_last_of('/') + 1);
        for (std::size_t i = 0; i < reqs->size(); ++i) {
            const ComposedRequest& r = (*reqs)[i];
            if (!r.streamed.empty())
                return make_error(ErrorKind::usage, f + ": a body file too large to hold cannot be probed");
            probe::ProbeTest t;
            t.id = name + (reqs->size() > 1 ? "#" + std::to_string(i + 1) : "");
            t.category = "file";
            t.baseline = r.method == "POST" ? probe::Baseline::post : probe::Baseline::get;
            t.bytes = r.bytes;
            t.exact = true;
            const auto findings = lint::lint_request(r.bytes);
            for (const auto& x : findings)
                if (x.severity == lint::Severity::error) {
                    t.rule = x.rule;
                    break;
                }
            if (!t.rule && !findings.empty()) t.rule = findings.front().rule;
            const std::string_view text = loaded->text;
            t.about = text.starts_with("# ") ? std::string(text.substr(2, text.find('\n') - 2)) : "a request of " + name;
            out.push_back(std::move(t));
        }
    }
    return out;
}

struct ProbeCmd {
    std::vector<std::string> targets;
    std::vector<std::string> req_files;
    std::vector<std::string> vars;
    std::vector<std::string> only, categories;
    bool json = false, tls = false, insecure = false, list = false, verbose = false;
    std::string cacert;
    double idle_timeout{}, connect_timeout{};  // defaults: at their add_ calls
    int parallel = 8;

    int run() {
        probe::ProbeOptions base;
        base.only = split_commas(only);
        base.categories = split_commas(categories);
        for (const auto& c : base.categories) {
            static const char* known[] = {"control", "line", "fields", "host", "framing", "chunked", "limits", "end"};
            bool ok = false;
            for (const char* k : known) ok = ok || c == k;
            if (!ok) {
                print_error("probe: unknown --category '" + c +
                            "' (control, line, fields, host, framing, chunked, limits, end)");
                return 2;
            }
        }
        if (list) return print_list(base);
        if (targets.empty()) {
            print_error("probe: name the server to probe: rawhttp probe HOST:PORT (only servers you run or may test)");
            return 2;
        }
        long long idle = seconds_to_ms(idle_timeout), cto = seconds_to_ms(connect_timeout);
        if (parallel < 1 || parallel > 64) {
            print_error("probe: --parallel takes a number from 1 to 64");
            return 2;
        }
        base.tls = tls;
        base.tls_verify = !insecure;
        if (!cacert.empty()) base.ca_file = cacert;
        base.answer_timeout = std::chrono::milliseconds(idle);
        base.connect_timeout = std::chrono::milliseconds(cto);
        base.parallel = static_cast<std::size_t>(parallel);
        if (auto chosen = probe::select_tests(base); !chosen) return selection_error(base);
        std::vector<probe::ProbeOptions> each;
        for (const auto& t : targets) {
            auto hp = net::parse_host_port(t);
            if (!hp || hp->host.empty() || !hp->port) {
                print_error("probe: '" + t + "' is not HOST:PORT (as in 127.0.0.1:8080 or [::1]:8080)");
                return 2;
            }
            probe::ProbeOptions o = base;
            o.host = hp->host;
            o.port = *hp->port;
            if (!req_files.empty()) {
                auto extra = file_tests(req_files, o.port, vars);
                if (!extra) {
                    print_error("probe: " + extra.error().message);
                    return exit_code(extra.error().kind);
                }
                o.extra = std::move(*extra);
                o.battery = !only.empty() || !categories.empty();  // --req alone: the files and the controls
            }
            each.push_back(o);
        }
        // Every server must be reachable before any is probed: nothing goes to one when another is not.
        for (const auto& o : each) {
            net::ConnectOptions co;
            co.host = o.host;
            co.port = o.port;
            co.connect_timeout = o.connect_timeout;
            co.deadline = net::Deadline::after(o.connect_timeout);
            if (auto c = net::connect(co); !c) {
                print_error("probe: cannot reach " + std::string(o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host) +
                            ":" + std::to_string(o.port) + ": " + worded_error(c.error(), TlsChoice::opt_in) + "; nothing was sent");
                return exit_code(c.error().kind);
            }
        }
        std::vector<probe::ProbeReport> reports;
        for (const auto& o : each) {
            if (!json) std::fprintf(stderr, "rawhttp probe: %s:%d ...\n", o.host.c_str(), o.port);
            auto r = probe::run_probe(o);
            if (!r) {
                print_error("probe: " + r.error().message);
                return exit_code(r.error().kind);
            }
            reports.push_back(std::move(*r));
        }
        bool any_fail = false;
        for (const auto& r : reports) any_fail = any_fail || r.fail > 0;
        if (json) {
            render::json doc;
            if (reports.size() == 1) {
                doc = report_json(reports[0]);
            } else {
                doc["targets"] = render::json::array();
                for (const auto& r : reports) doc["targets"].push_back(report_json(r));
            }
            write_all_fd(1, render::dump(doc, ::isatty(1) == 1) + "\n");
            return any_fail ? 1 : 0;
        }
        render::Style s{render::want_color(1)};
        write_all_fd(1, reports.size() == 1 ? one_grid(reports[0], s) : many_grid(reports, s));
        return any_fail ? 1 : 0;
    }

    // Nothing selected: said with the options that selected nothing.
    static int selection_error(const probe::ProbeOptions& o) {
        std::string what, cats;
        for (const auto& p : o.only) what += (what.empty() ? "" : ",") + p;
        for (const auto& c : o.categories) cats += (cats.empty() ? "" : ",") + c;
        print_error("probe: no probe test matches" + (what.empty() ? "" : " --only " + what) +
                    (cats.empty() ? "" : " --category " + cats) + " (rawhttp probe --list names them all)");
        return 2;
    }

    int print_list(const probe::ProbeOptions& o) {
        auto chosen = probe::select_tests(o);
        if (!chosen) return selection_error(o);
        std::string out;
        for (const auto* t : *chosen)
            out += pad(t->id, 48) + pad(t->category, 9) +
                   pad(t->rule ? std::string(http::rule_info(*t->rule).id) : std::string("-"), 38) + t->about + "\n";
        write_all_fd(1, out);
        return 0;
    }

    std::string one_grid(const probe::ProbeReport& r, const render::Style& s) {
        std::string out = render::bold(pad("test", 48) + pad("RFC", 7) + pad("answer", 9) + "verdict", s) + "\n";
        for (const auto& t : r.results) {
            const std::string lvl = t.test->rule ? level_name(http::rule_info(*t.test->rule).level) : "-";
            out += pad(t.test->id, 48) + pad(lvl, 7) + pad(probe::answer_text(t.answer), 9) +
                   colored_verdict(t.verdict, s) + "\n";
            if (verbose || t.verdict == probe::Verdict::fail)
                out += render::dim("    " + t.why + (t.test->rule ? " [" + std::string(http::rule_info(*t.test->rule).rfc) + "]" : ""), s) + "\n";
        }
        out += "\n" + render::bold("score " + score_line(r), s) +
               "\n  scored: every test but the controls; pass + warn counts, as Http11Probe does\n";
        return out;
    }

    std::string many_grid(const std::vector<probe::ProbeReport>& rs, const render::Style& s) {
        // One column per server; a * marks the tests where the answers differ.
        std::string out = render::bold(pad("test", 48), s);
        for (std::size_t k = 0; k < rs.size(); ++k) out += render::bold(pad("#" + std::to_string(k + 1), 14), s);
        out += "\n";
        bool any_differ = false;
        for (std::size_t i = 0; i < rs[0].results.size(); ++i) {
            bool differ = false;
            for (const auto& r : rs) differ = differ || probe::answer_text(r.results[i].answer) != probe::answer_text(rs[0].results[i].answer);
            any_differ = any_differ || differ;
            out += pad((differ ? "* " : "  ") + rs[0].results[i].test->id, 48);
            for (const auto& r : rs) {
                const auto& t = r.results[i];
                const std::string cell = pad(probe::answer_text(t.answer), 8);
                out += cell + colored_verdict(t.verdict, s) + std::string(14 - std::min<std::size_t>(14, cell.size() + 4), ' ') + " ";
            }
            out += "\n";
        }
        out += "\n";
        for (std::size_t k = 0; k < rs.size(); ++k) out += render::bold("#" + std::to_string(k + 1) + " " + score_line(rs[k]), s) + "\n";
        out += any_differ ? "  * the servers answered differently: where a proxy and its upstream disagree, requests can be smuggled\n"
                          : "  the servers answered every test alike\n";
        return out;
    }
};

}  // namespace

void add_probe_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<ProbeCmd>();
    Command* sub = add_command(app, "probe", "how strict is a server: the rule book's battery of broken requests, judged");
    sub->footer(
        "Sends the battery (rawhttp probe --list: over 100 requests, each breaking one rule of\n"
        "the rule book, plus valid controls) to each server, every test on a fresh connection,\n"
        "a few at a time, and judges each answer. Only to the servers named: probe servers you\n"
        "run or are allowed to test.\n"
        "  pass  refused as a strict server does (any 4xx/5xx other than the control's, or a close),\n"
        "        or waited where the message is unfinished\n"
        "  warn  accepted where the RFC allows it (SHOULD, MAY, a limit), or neither answered nor closed\n"
        "  fail  accepted what the RFC says a server MUST reject\n"
        "An answer counts as accepted when it is below 400 or the same status as the control's\n"
        "(a POST refused with 405 everywhere is not a sign of strictness). Score: pass + warn\n"
        "of the scored tests (all but the controls). Exit 0, 1 when a test fails, 2 usage,\n"
        "7 cannot connect.\n\n"
        "Examples:\n"
        "  rawhttp probe 127.0.0.1:8080\n"
        "  rawhttp probe 127.0.0.1:8080 127.0.0.1:3000          # a column each; * where they differ\n"
        "  rawhttp probe 127.0.0.1:8080 --only 'content-length-*,transfer-encoding-*' -v\n"
        "  rawhttp probe 127.0.0.1:8443 --tls -k --category framing --json\n"
        "  rawhttp probe 127.0.0.1:8080 --req broken-bare-lf.req --req my-request.req");
    sub->add_option("TARGET", cmd->targets, "HOST:PORT of each server to probe");
    sub->add_option("--only", cmd->only, "tests whose id or rule id matches one of these globs (comma-separated)");
    sub->add_option("--category", cmd->categories,
                    "only these categories: control, line, fields, host, framing, chunked, limits, end");
    sub->add_option("--req", cmd->req_files,
                    "also probe this .req file (repeatable; a gallery name works): composed with {{port}} set to "
                    "each target's port, judged by the first rule it breaks, else as a valid request; "
                    "alone (no --only/--category), only the files and the controls run");
    add_vars(*sub, cmd->vars, "of the --req files");
    sub->add_flag("--list", cmd->list, "list the tests (id, category, rule, what the bytes do) and send nothing");
    add_json(*sub, cmd->json,
             "{\"target\", \"tests\": [{\"id\", \"rule\", \"level\", \"status\", \"verdict\"}], \"score\"} "
             "({\"targets\": [...]} for several)");
    add_verbose(*sub, cmd->verbose, "say why for every test, not only the failures");
    add_tls(*sub, cmd->tls, "speak TLS to the servers");
    add_tls_verify(*sub, cmd->insecure, cmd->cacert, "server");
    add_idle_timeout(*sub, cmd->idle_timeout, 5, "seconds each test waits for an answer; a server still silent then 'waited'",
                     ZeroMeans{ZeroMeans::refused});
    add_connect_timeout(*sub, cmd->connect_timeout, 5, "each connection", ZeroMeans{ZeroMeans::refused});
    sub->add_option("--parallel", cmd->parallel, "tests in flight at once, each on its own connection (default 8)");
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
