// A JSON text written straight into a string, pretty-printed exactly as
// nlohmann::json's dump(2) prints (two spaces a level, "key": value, the same
// string escapes and number spellings), so documents written either way are
// the same bytes. send --json writes thousands of exchanges with it: building
// a tree first cost eight times the exchange itself.
//
// The writer does not sort keys: callers write them in the byte order
// nlohmann's std::map gives, which keeps the documents as they always were.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rawhttp::render {

class JsonWriter {
public:
    // `depth`: the document is nested that many levels deep (its first line
    // is not indented; the following lines are, as dump_nested does).
    explicit JsonWriter(std::string& out, int depth = 0) : out_(out), depth_(depth) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);

    JsonWriter& string(std::string_view s);  // invalid UTF-8 becomes U+FFFD
    JsonWriter& valid_string(std::string_view s);  // s is known to be valid UTF-8: not checked again
    JsonWriter& number(std::uint64_t v);
    JsonWriter& number(std::int64_t v);
    JsonWriter& number(int v) { return number(static_cast<std::int64_t>(v)); }
    JsonWriter& number(double v);
    JsonWriter& boolean(bool v);
    JsonWriter& null();
    JsonWriter& strings(const std::vector<std::string>& v);  // an array of strings

private:
    void element();  // the separator and indentation before a value or a key
    void indent(int depth);
    JsonWriter& close(char bracket);

    std::string& out_;
    int depth_;
    struct Level {
        bool empty = true;
    };
    std::vector<Level> levels_;
    bool after_key_ = false;
};

// The JSON string escape nlohmann uses (" \ \b \f \n \r \t, other C0 as
// \u00xx; DEL and valid UTF-8 as they are), quotes included.
void append_json_string(std::string& out, std::string_view s);

// A double spelled as nlohmann spells it: the shortest digits that read
// back the same, "0.0" for zero, 1e-05 style beyond the plain range.
void append_json_double(std::string& out, double v);

}  // namespace rawhttp::render
