// An HTTP Archive (HAR 1.2, the format browsers' devtools export and open)
// of the exchanges a relay saw: one entry per exchange, in the order they
// were reported. The whole file is rewritten after each entry (written to a
// temporary name, then renamed), so it is always a complete document. A body
// is included as text only when the relay kept all of it for its report.
#pragma once

#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "relay/relay.hpp"

namespace rawhttp::relay {

class HarLog {
public:
    explicit HarLog(std::string path) : path_(std::move(path)) {}
    // Adds an exchange and rewrites the file. `tls`: the upstream was spoken to over TLS.
    bool add(const Exchange& ex, bool as_proxy, bool tls, std::string& error);
    // Writes the document as it stands (no entries yet: an empty log).
    bool write(std::string& error);

    // The HAR entry for one exchange (the log's "entries" element).
    static nlohmann::json entry(const Exchange& ex, bool as_proxy, bool tls);

private:
    std::string path_;
    std::mutex m_;
    nlohmann::json entries_ = nlohmann::json::array();
};

}  // namespace rawhttp::relay
