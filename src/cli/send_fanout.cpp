#include "cli/send_fanout.hpp"

#include <unistd.h>

#include <map>

#include "cli/options_tls.hpp"
#include "core/sha1.hpp"
#include "render/fanout_grid.hpp"
#include "render/json_output.hpp"

namespace rawhttp::cli {

namespace {

// Hashes each body as it streams and keeps the first bytes for --json.
class FanOutHooks : public client::SessionHooks {
public:
    static constexpr std::size_t kJsonBodyCap = 64 * 1024;
    struct Body {
        Sha1 sha1;
        std::string first;
        std::uint64_t total = 0;
    };
    void on_body(const client::ExchangeResult& ex, std::string_view decoded) override {
        Body& b = bodies[ex.index];
        b.sha1.update(decoded);
        b.total += decoded.size();
        if (b.first.size() < kJsonBodyCap) b.first.append(decoded.substr(0, kJsonBodyCap - b.first.size()));
    }
    std::map<std::size_t, Body> bodies;
};

std::string title(const ComposedRequest& r) {
    std::string_view b(r.bytes);
    std::string line(b.substr(0, b.find_first_of("\r\n")));
    return line + "  (" + std::to_string(r.bytes.size()) + (r.bytes.size() == 1 ? " byte)" : " bytes)");
}

}  // namespace

int run_fan_out(const std::vector<ComposedRequest>& requests, const TargetOptions& target,
                const client::SessionOptions& options, bool json) {
    // Every destination is checked before anything is sent.
    std::vector<std::vector<client::Destination>> dests;
    for (const auto& to : target.fan_out) {
        TargetOptions one = target;
        one.to = to;
        auto d = one.destinations(requests);
        if (!d) {
            print_error(d.error().message);
            return 2;
        }
        dests.push_back(std::move(*d));
    }
    std::vector<render::FanoutTarget> grid;
    render::json targets = render::json::array();
    int code = 0;
    for (std::size_t t = 0; t < dests.size(); ++t) {
        FanOutHooks hooks;
        auto results = client::run_session(requests, dests[t], options, hooks);
        // The options that help (--insecure, --max-time...), worded here: the library names no flags.
        for (auto& ex : results)
            if (ex.error) ex.error->message = worded_error(*ex.error);
        render::FanoutTarget col{target.fan_out[t], {}};
        render::json exchanges = render::json::array();
        for (const auto& ex : results) {
            FanOutHooks::Body& b = hooks.bodies[ex.index];
            col.cells.push_back(render::fanout_cell(ex, b.sha1.hex()));
            if (json) {
                render::json j = render::exchange_json(ex, b.first, b.total > b.first.size());
                if (ex.response && ex.response->head_complete) j["response"]["body_sha1"] = b.sha1.hex();
                exchanges.push_back(std::move(j));
            }
            if (ex.error && code == 0) code = exit_code(ex.error->kind);
        }
        if (json) targets.push_back({{"target", target.fan_out[t]}, {"exchanges", exchanges}});
        grid.push_back(std::move(col));
        if (options.cancel && options.cancel->load()) {
            code = 130;
            break;
        }
    }
    if (json) {
        render::json diffs = render::json::array();
        for (std::size_t i = 0; i < requests.size(); ++i) diffs.push_back(render::fanout_differences(grid, i));
        render::json doc = {{"targets", targets}, {"differences", diffs}};
        write_all_fd(1, render::dump(doc, ::isatty(1) == 1) + "\n");
        return code;
    }
    std::vector<std::string> titles;
    for (const auto& r : requests) titles.push_back(title(r));
    write_all_fd(1, render::fanout_grid(titles, grid, render::Style{render::want_color(1)}));
    return code;
}

}  // namespace rawhttp::cli
