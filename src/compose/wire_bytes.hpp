// The wire bytes of a composed request, in order: its held bytes and the
// files it streams from disk (compose.hpp, StreamedFile). Every consumer
// that must see every byte (send, compose's raw output, lint) reads them
// through here, so a body of any size costs one 64 KiB buffer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "compose/compose.hpp"
#include "core/error.hpp"

namespace rawhttp {

// How many bytes the request puts on the wire.
std::uint64_t wire_size(const ComposedRequest& req);

// Hands the wire bytes [begin, end) of `req` to `sink` in order, in pieces
// (views into req.bytes, or up to 64 KiB read from a streamed file), until
// sink returns false. A streamed file that is gone, changed size or cannot
// be read is an Error of kind `send`: whatever went before it is on the wire.
std::optional<Error> for_each_wire_piece(const ComposedRequest& req, std::uint64_t begin, std::uint64_t end,
                                         const std::function<bool(std::string_view)>& sink);

inline std::optional<Error> for_each_wire_piece(const ComposedRequest& req,
                                                const std::function<bool(std::string_view)>& sink) {
    return for_each_wire_piece(req, 0, wire_size(req), sink);
}

// For views that show a streamed file by name rather than byte by byte: the
// held bytes between files go to `held`, each file to `file`, in wire order.
void walk_held_and_streamed(const ComposedRequest& req, const std::function<void(std::string_view)>& held,
                            const std::function<void(const StreamedFile&)>& file);

// What a view shows in place of a streamed file's bytes.
std::string streamed_placeholder(const StreamedFile& f);

}  // namespace rawhttp
