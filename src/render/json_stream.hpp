// send's --json document, {"exchanges": [...], "notes": [...]}, written one
// exchange at a time: ten thousand exchanges on one connection are never
// held whole as a JSON tree (building and freeing it cost more than the
// exchanges themselves). The bytes are exactly those of dump() on the whole
// (render/json_writer).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "render/json_output.hpp"

namespace rawhttp::render {

class ExchangesDocWriter {
public:
    using Sink = std::function<void(std::string_view)>;
    ExchangesDocWriter(Sink sink, bool to_terminal) : sink_(std::move(sink)), to_terminal_(to_terminal) {}

    void add(const client::ExchangeResult& ex, std::string_view body, bool body_truncated,
             const ExchangeWording& wording);
    // Closes the exchanges and writes the notes: the document is complete.
    void finish(const std::vector<std::string>& notes);
    bool finished() const { return finished_; }

private:
    void write(std::string text);

    Sink sink_;
    bool to_terminal_;
    bool started_ = false;
    bool any_ = false;
    bool finished_ = false;
};

// dump(value) pretty-printed as it would be when nested `depth` levels deep
// (two spaces a level), without the leading indentation of its first line.
std::string dump_nested(const json& value, int depth);

}  // namespace rawhttp::render
