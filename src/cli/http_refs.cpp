#include "cli/http_refs.hpp"

namespace rawhttp::cli {

std::unique_ptr<HttpReferences> HttpReferences::for_file(const LoadedReq& loaded, const ReqInputOptions& in,
                                                         client::SessionHooks& inner) {
    if (detect_dialect(loaded.display_name, loaded.text) != Dialect::http) return nullptr;
    auto out = compose_http_loaded(loaded, in, {});
    if (!out) return nullptr;  // send has already reported the file's error
    std::unique_ptr<HttpReferences> refs(new HttpReferences(loaded, in, inner));
    for (const auto& r : out->requests)
        for (const auto& w : r.waits) refs->named_.insert(w.request);
    if (refs->named_.empty()) return nullptr;
    refs->info_ = std::move(out->requests);
    return refs;
}

void HttpReferences::on_body(const client::ExchangeResult& ex, std::string_view decoded) {
    if (named_.count(ex.index)) {
        std::string& kept = bodies_[ex.index];
        if (kept.size() + decoded.size() > kKeptBody) cut_.insert(ex.index);
        else kept.append(decoded);
    }
    inner_.on_body(ex, decoded);
}

bool HttpReferences::before_request(std::size_t index, const std::vector<client::ExchangeResult>& done,
                                    std::vector<ComposedRequest>& requests,
                                    std::vector<client::Destination>& destinations,
                                    const client::DestinationOverrides& overrides) {
    if (index >= info_.size() || info_[index].waits.empty()) return true;
    HttpFileOptions http;
    http.fill_request = index;
    http.lookup = [&](const ResponseRef& ref, std::size_t named) -> Result<std::string> {
        if (named >= done.size() || !done[named].response || !done[named].response->head_complete)
            return make_error(ErrorKind::template_, "that exchange has no response");
        const auto& r = *done[named].response;
        RefResponse got;
        got.status = r.status;
        got.headers = r.headers;
        if (auto it = bodies_.find(named); it != bodies_.end()) got.body = it->second;
        got.body_complete = !cut_.count(named) && r.complete;
        return resolve_response_ref(ref, got);
    };
    auto out = compose_http_loaded(loaded_, in_, http);
    if (!out) {
        error_ = out.error().message;
        return false;
    }
    if (out->composed.requests.size() != requests.size()) {
        error_ = "the file composed into a different number of requests once filled";
        return false;
    }
    auto dest = client::resolve_destination(out->composed.requests[index], overrides);
    if (!dest) {
        error_ = dest.error().message;
        return false;
    }
    requests[index] = std::move(out->composed.requests[index]);
    destinations[index] = *dest;
    return true;
}

}  // namespace rawhttp::cli
