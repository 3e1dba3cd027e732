#include "render/json_stream.hpp"

#include "render/json_writer.hpp"

namespace rawhttp::render {

std::string dump_nested(const json& value, int depth) {
    std::string text = value.dump(2, ' ', false, json::error_handler_t::replace);
    const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
    std::string out;
    out.reserve(text.size() + text.size() / 4);
    // A newline inside a JSON string is escaped: every raw one is layout.
    std::size_t from = 0;
    for (std::size_t nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1) {
        out.append(text, from, nl + 1 - from);
        out += pad;
    }
    out.append(text, from, std::string::npos);
    return out;
}

void ExchangesDocWriter::write(std::string text) {
    if (to_terminal_) text = json_for_terminal(text);
    sink_(text);
}

void ExchangesDocWriter::add(const client::ExchangeResult& ex, std::string_view body, bool body_truncated,
                             const ExchangeWording& wording) {
    std::string text;
    if (!started_) text = "{\n  \"exchanges\": [";
    started_ = true;
    text += any_ ? ",\n    " : "\n    ";
    any_ = true;
    JsonWriter w(text, 2);
    write_exchange(w, ex, body, body_truncated, wording);
    write(std::move(text));
}

void ExchangesDocWriter::finish(const std::vector<std::string>& notes) {
    if (finished_) return;
    finished_ = true;
    std::string text = started_ ? "" : "{\n  \"exchanges\": [";
    text += any_ ? "\n  ],\n  \"notes\": " : "],\n  \"notes\": ";
    JsonWriter(text, 1).strings(notes);
    text += "\n}\n";
    write(std::move(text));
}

}  // namespace rawhttp::render
