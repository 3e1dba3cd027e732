// The parser corpus: tests/http/corpus/*.md, cases in llhttp's test/*.md
// shape (a heading per case, an ```http block with the raw bytes, a ```log
// block with what the one reader, http/message_reader.hpp, makes of them).
// Each case is read twice, in one put and one byte at a time, and both
// readings must give the expected log: the reader promises that a verdict
// depends only on the bytes, not on how they were split. The README
// ("Parser cases") says how to add one.
#include "http/message_reader.hpp"
#include "http/test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

using namespace rawhttp::http;

namespace {

struct Case {
    std::string file;
    std::size_t line = 0;  // of the heading
    std::string name;
    nlohmann::json meta = nlohmann::json::object();
    std::string input;     // the raw bytes, escapes decoded
    std::string expected;  // the log block, one fact a line
    std::size_t log_begin = 0, log_end = 0;  // the log block's lines: [begin, end), 0-based
};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The input block's lines joined (the block's own line breaks are only for
// reading), with \r \n \t \\ \xHH decoded and {N*c} standing for N bytes c.
std::string decode_input(const std::vector<std::string>& lines, std::string& problem) {
    std::string out;
    for (const auto& l : lines) {
        for (std::size_t i = 0; i < l.size(); ++i) {
            char c = l[i];
            if (c == '{') {
                std::size_t star = l.find('*', i), close = l.find('}', i);
                if (star == std::string::npos || close == std::string::npos || star > close || close != star + 2) {
                    problem = "a '{' that is not {N*c}: " + l;
                    return out;
                }
                out.append(std::stoul(l.substr(i + 1, star - i - 1)), l[star + 1]);
                i = close;
                continue;
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i + 1 >= l.size()) {
                problem = "a line ends in a lone backslash: " + l;
                return out;
            }
            char e = l[++i];
            if (e == 'r') out += '\r';
            else if (e == 'n') out += '\n';
            else if (e == 't') out += '\t';
            else if (e == '\\') out += '\\';
            else if (e == '{') out += '{';
            else if (e == 'x' && i + 2 < l.size() && hex_digit(l[i + 1]) >= 0 && hex_digit(l[i + 2]) >= 0) {
                out += static_cast<char>(hex_digit(l[i + 1]) * 16 + hex_digit(l[i + 2]));
                i += 2;
            } else {
                problem = std::string("an unknown escape \\") + e + ": " + l;
                return out;
            }
        }
    }
    return out;
}

std::vector<Case> read_corpus_file(const std::filesystem::path& path) {
    std::vector<Case> cases;
    std::ifstream in(path);
    std::string line;
    std::size_t n = 0;
    enum class Block { none, http, log } block = Block::none;
    std::vector<std::string> input_lines;
    std::string problem;
    while (std::getline(in, line)) {
        ++n;
        if (block != Block::none) {
            if (line.rfind("```", 0) == 0) {
                if (block == Block::log) cases.back().log_end = n - 1;
                if (block == Block::http) cases.back().input = decode_input(input_lines, problem);
                REQUIRE_MESSAGE(problem.empty(), path.string() << ":" << n << ": " << problem);
                block = Block::none;
            } else if (block == Block::http) {
                input_lines.push_back(line);
            } else {
                cases.back().expected += line + "\n";
            }
            continue;
        }
        if (line.rfind("## ", 0) == 0) {
            cases.push_back({path.filename().string(), n, line.substr(3)});
        } else if (line.rfind("<!-- meta=", 0) == 0 && !cases.empty()) {
            auto end = line.rfind("-->");
            REQUIRE_MESSAGE(end != std::string::npos, path.string() << ":" << n << ": a meta line without -->");
            cases.back().meta = nlohmann::json::parse(line.substr(10, end - 10));
        } else if (line == "```http" && !cases.empty()) {
            block = Block::http;
            input_lines.clear();
        } else if (line == "```log" && !cases.empty()) {
            block = Block::log;
            cases.back().log_begin = n;
        }
    }
    REQUIRE_MESSAGE(block == Block::none, path.string() << ": a block is not closed");
    return cases;
}

// Writes what the reader makes of the bytes, one fact a line: the events as
// they come (consecutive body data joined: how it is cut depends on the
// split), then per message the trailers, every rule broken with its
// severity and offset, and the reader's state.
struct Log : MessageHandler {
    std::string text;
    std::string body;
    MessageKind kind = MessageKind::request;
    void flush_body() {
        if (body.empty()) return;
        text += "body \"" + http_test::printable(body) + "\"\n";
        body.clear();
    }
    void on_interim(const MessageHead& h, std::string_view) override {
        flush_body();
        text += "interim " + std::to_string(h.status) + "\n";
    }
    void on_head(const MessageHead& h, std::string_view) override {
        flush_body();
        if (kind == MessageKind::request)
            text += "head " + http_test::printable(h.method) + " " + http_test::printable(h.target) + " " +
                    http_test::printable(h.version) + "\n";
        else
            text += "head " + http_test::printable(h.version) + " " + std::to_string(h.status) + "\n";
        for (const auto& f : h.headers)
            text += "field " + http_test::printable(f.name) + ": " + http_test::printable(f.value) + "\n";
    }
    void on_body(std::string_view d) override { body += d; }
    void on_end() override {
        flush_body();
        text += "end\n";
    }
};

ReaderOptions options_of(const Case& c) {
    ReaderOptions o;
    o.kind = c.meta.value("type", "request") == "request" ? MessageKind::request : MessageKind::response;
    o.limits = o.kind == MessageKind::request ? Limits{} : response_limits();
    o.strict = c.meta.value("strict", false);
    o.collect_all = c.meta.value("collect_all", false);
    if (c.meta.contains("limits")) {
        const auto& l = c.meta["limits"];
        o.limits.max_request_line = l.value("max_request_line", o.limits.max_request_line);
        o.limits.max_field_line = l.value("max_field_line", o.limits.max_field_line);
        o.limits.max_fields = l.value("max_fields", o.limits.max_fields);
        o.limits.max_head = l.value("max_head", o.limits.max_head);
        o.limits.large_head = l.value("large_head", o.limits.large_head);
    }
    return o;
}

std::string state_name(const MessageReader& r) {
    switch (r.state()) {
        case MessageReader::State::head: return "head";
        case MessageReader::State::body: return "body";
        case MessageReader::State::done: return "done";
        case MessageReader::State::failed: return "failed";
    }
    return "?";
}

// Reads the case's bytes in pieces of `step` bytes (0: all at once); a
// message that ends before the bytes do is followed by the next one, as on
// a kept-alive connection.
std::string run_case(const Case& c, std::size_t step) {
    ReaderOptions o = options_of(c);
    Log log;
    log.kind = o.kind;
    MessageReader reader(o, &log);
    if (c.meta.contains("method")) reader.set_request_method(c.meta["method"].get<std::string>());
    auto settle = [&] {
        log.flush_body();
        for (const auto& [name, value] : reader.trailers())
            log.text += "trailer " + http_test::printable(name) + ": " + http_test::printable(value) + "\n";
        for (const auto& v : reader.violations()) {
            auto sev = severity_of(v.rule, o.kind, o.strict);
            log.text += std::string(sev ? severity_name(*sev) : "rule") + " " + std::string(rule_info(v.rule).id) +
                        " at " + std::to_string(v.offset) + "\n";
        }
        log.text += "state " + state_name(reader) + (reader.truncated() ? " (truncated)" : "") + "\n";
    };
    std::string_view rest = c.input;
    std::string_view pending;  // bytes put has not taken yet
    while (!rest.empty() || !pending.empty()) {
        if (pending.empty()) {
            std::size_t n = step == 0 ? rest.size() : std::min(step, rest.size());
            pending = rest.substr(0, n);
            rest.remove_prefix(n);
        }
        http_test::Exact piece(pending);
        std::size_t used = reader.put(piece.view());
        pending.remove_prefix(used);
        if (reader.failed()) break;
        if (reader.done()) {
            if (pending.empty() && rest.empty()) break;
            settle();
            log.text += "next message\n";
            reader.reset();
            continue;
        }
        if (used == 0) {
            // put takes bytes until the message ends or fails; taking none
            // otherwise would loop for ever.
            log.text += "stuck: put took none of " + std::to_string(pending.size()) + " bytes\n";
            break;
        }
    }
    if (c.meta.value("eof", false) && !reader.failed()) reader.put_eof();
    settle();
    return log.text;
}

// RAWHTTP_UPDATE_CASES=1 writes what the reader does into the log blocks,
// for a new case or a deliberate change; review the diff before committing.
void rewrite_logs(const std::filesystem::path& path, const std::vector<Case>& cases,
                  const std::vector<std::string>& logs) {
    std::vector<std::string> lines;
    {
        std::ifstream in(path);
        std::string l;
        while (std::getline(in, l)) lines.push_back(l);
    }
    std::string out;
    std::size_t next = 0;
    for (std::size_t k = 0; k < cases.size(); ++k) {
        for (; next < cases[k].log_begin; ++next) out += lines[next] + "\n";
        out += logs[k];
        next = cases[k].log_end;
    }
    for (; next < lines.size(); ++next) out += lines[next] + "\n";
    std::ofstream(path, std::ios::binary) << out;
}

std::filesystem::path corpus_dir() {
    return std::filesystem::path(RAWHTTP_TEST_FIXTURES).parent_path() / "http" / "corpus";
}

}  // namespace

TEST_CASE("parser corpus: every case of tests/http/corpus/*.md, read whole and byte by byte") {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(corpus_dir()))
        if (e.path().extension() == ".md") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    REQUIRE_FALSE(files.empty());
    std::size_t count = 0, requests = 0, responses = 0;
    const char* update_env = std::getenv("RAWHTTP_UPDATE_CASES");
    const bool update = update_env && std::string(update_env) == "1";
    for (const auto& f : files) {
        auto cases = read_corpus_file(f);
        std::vector<std::string> logs;
        for (const auto& c : cases) {
            ++count;
            (c.meta.value("type", "request") == "request" ? requests : responses) += 1;
            CAPTURE(c.file);
            CAPTURE(c.line);
            CAPTURE(c.name);
            REQUIRE_MESSAGE(!c.input.empty(), c.file << ":" << c.line << ": no ```http block");
            REQUIRE_MESSAGE(c.log_begin > 0, c.file << ":" << c.line << ": no ```log block");
            std::string whole = run_case(c, 0);
            logs.push_back(whole);
            CHECK_MESSAGE(whole == c.expected, c.file << ":" << c.line << " " << c.name << "\n--- expected\n"
                                                     << c.expected << "--- read whole\n" << whole);
            std::string bytewise = run_case(c, 1);
            CHECK_MESSAGE(bytewise == c.expected, c.file << ":" << c.line << " " << c.name << "\n--- expected\n"
                                                        << c.expected << "--- read byte by byte\n" << bytewise);
            if (update) CHECK_MESSAGE(bytewise == whole, "not updated: the two readings differ");
        }
        if (update) rewrite_logs(f, cases, logs);
    }
    MESSAGE("parser corpus: " << count << " cases (" << requests << " requests, " << responses << " responses)");
    CHECK(count >= 40);
    CHECK(requests > 0);
    CHECK(responses > 0);
}
