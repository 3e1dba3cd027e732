#include "compose/wire_bytes.hpp"

#include <algorithm>
#include <string>

#include "core/file_read.hpp"

namespace rawhttp {

std::uint64_t wire_size(const ComposedRequest& req) {
    std::uint64_t n = req.bytes.size();
    for (const auto& f : req.streamed) n += f.size;
    return n;
}

std::optional<Error> for_each_wire_piece(const ComposedRequest& req, std::uint64_t begin, std::uint64_t end,
                                         const std::function<bool(std::string_view)>& sink) {
    // Walk the wire as alternating held spans and files; `pos` is the wire
    // offset where the current span or file starts.
    std::uint64_t pos = 0;
    std::size_t held = 0;  // how far into req.bytes the walk is
    bool go_on = true;
    auto held_span = [&](std::size_t upto) {
        const std::uint64_t len = upto - held;
        const std::uint64_t lo = std::max(begin, pos), hi = std::min(end, pos + len);
        if (go_on && lo < hi)
            go_on = sink(std::string_view(req.bytes).substr(held + static_cast<std::size_t>(lo - pos),
                                                             static_cast<std::size_t>(hi - lo)));
        pos += len;
        held = upto;
    };
    for (const auto& f : req.streamed) {
        held_span(std::min(f.at, req.bytes.size()));
        if (!go_on || pos >= end) return std::nullopt;
        const std::uint64_t lo = std::max(begin, pos), hi = std::min(end, pos + f.size);
        if (lo < hi) {
            std::uint64_t at = pos;  // wire offset of the piece being read
            std::string why = stream_regular_file(f.path, f.size, [&](std::string_view piece) {
                const std::uint64_t p_lo = std::max(lo, at), p_hi = std::min(hi, at + piece.size());
                if (p_lo < p_hi)
                    go_on = sink(piece.substr(static_cast<std::size_t>(p_lo - at), static_cast<std::size_t>(p_hi - p_lo)));
                at += piece.size();
                return go_on && at < hi;
            });
            if (!why.empty())
                return Error{ErrorKind::send, "could not send the body file '" + f.path + "': it " + why};
        }
        pos += f.size;
        if (!go_on) return std::nullopt;
    }
    held_span(req.bytes.size());
    return std::nullopt;
}

void walk_held_and_streamed(const ComposedRequest& req, const std::function<void(std::string_view)>& held,
                            const std::function<void(const StreamedFile&)>& file) {
    std::size_t from = 0;
    const std::string_view bytes = req.bytes;
    for (const auto& f : req.streamed) {
        const std::size_t at = std::min(f.at, bytes.size());
        if (at > from) held(bytes.substr(from, at - from));
        file(f);
        from = at;
    }
    if (from < bytes.size()) held(bytes.substr(from));
}

std::string streamed_placeholder(const StreamedFile& f) {
    return "[" + std::to_string(f.size) + " bytes of '" + f.path + "', read from disk as they are sent]";
}

}  // namespace rawhttp
