#include "intake/shell_words.hpp"

namespace rawhttp::intake {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string at(std::size_t i) { return " (at byte " + std::to_string(i + 1) + ")"; }

}  // namespace

Result<std::vector<std::string>> split_shell_words(std::string_view s) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    std::size_t i = 0;
    auto end_word = [&] {
        if (in_word) words.push_back(word);
        word.clear();
        in_word = false;
    };
    while (i < s.size()) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            end_word();
            ++i;
        } else if (c == '\\') {
            if (i + 1 < s.size() && s[i + 1] == '\n') {
                i += 2;  // a line continuation
            } else if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') {
                i += 3;  // one pasted from a CRLF text
            } else if (i + 1 < s.size()) {
                word += s[i + 1];
                in_word = true;
                i += 2;
            } else {
                return make_error(ErrorKind::usage, "the command ends with a lone backslash");
            }
        } else if (c == '\'') {
            std::size_t close = s.find('\'', i + 1);
            if (close == std::string_view::npos)
                return make_error(ErrorKind::usage, "a single quote is never closed" + at(i));
            word.append(s.substr(i + 1, close - i - 1));
            in_word = true;
            i = close + 1;
        } else if (c == '"') {
            std::size_t j = i + 1;
            in_word = true;
            for (;; ++j) {
                if (j >= s.size()) return make_error(ErrorKind::usage, "a double quote is never closed" + at(i));
                char d = s[j];
                if (d == '"') break;
                if (d == '\\' && j + 1 < s.size() && std::string_view("$`\"\\\n").find(s[j + 1]) != std::string_view::npos) {
                    if (s[j + 1] != '\n') word += s[j + 1];
                    ++j;
                } else if (d == '$' || d == '`') {
                    if (d == '$' && (j + 1 >= s.size() || s[j + 1] == '"' || s[j + 1] == ' ')) {
                        word += d;  // a lone $ is literal
                        continue;
                    }
                    return make_error(ErrorKind::usage, std::string("a shell ") +
                                                            (d == '$' ? "expansion ($...)" : "substitution (`...`)") +
                                                            " inside double quotes" + at(j) +
                                                            ": rawhttp does not run the shell; put the value in itself");
                } else {
                    word += d;
                }
            }
            i = j + 1;
        } else if (c == '$' && i + 1 < s.size() && s[i + 1] == '\'') {
            std::size_t j = i + 2;
            in_word = true;
            for (;; ++j) {
                if (j >= s.size()) return make_error(ErrorKind::usage, "a $'...' quote is never closed" + at(i));
                char d = s[j];
                if (d == '\'') break;
                if (d != '\\') {
                    word += d;
                    continue;
                }
                if (++j >= s.size()) return make_error(ErrorKind::usage, "a $'...' quote is never closed" + at(i));
                char e = s[j];
                switch (e) {
                    case 'n': word += '\n'; break;
                    case 'r': word += '\r'; break;
                    case 't': word += '\t'; break;
                    case 'a': word += '\a'; break;
                    case 'b': word += '\b'; break;
                    case 'f': word += '\f'; break;
                    case 'v': word += '\v'; break;
                    case 'e':
                    case 'E': word += '\x1b'; break;
                    case 'x': {
                        int v = 0, n = 0;
                        while (n < 2 && j + 1 < s.size() && hex_digit(s[j + 1]) >= 0) v = v * 16 + hex_digit(s[++j]), ++n;
                        if (n == 0) word += "\\x";
                        else word += static_cast<char>(v);
                        break;
                    }
                    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
                        int v = e - '0', n = 1;
                        while (n < 3 && j + 1 < s.size() && s[j + 1] >= '0' && s[j + 1] <= '7') v = v * 8 + (s[++j] - '0'), ++n;
                        word += static_cast<char>(v & 0xff);
                        break;
                    }
                    case '\\': case '\'': case '"': case '?': word += e; break;
                    default: word += '\\'; word += e; break;
                }
            }
            i = j + 1;
        } else if (c == '$' || c == '`') {
            return make_error(ErrorKind::usage, std::string("a shell ") +
                                                    (c == '$' ? "expansion ($...)" : "substitution (`...`)") + at(i) +
                                                    ": rawhttp does not run the shell; put the value in itself");
        } else if (std::string_view(";&|<>").find(c) != std::string_view::npos) {
            return make_error(ErrorKind::usage, std::string("'") + c + "'" + at(i) +
                                                    " outside quotes joins another command or redirects: give one "
                                                    "curl command alone");
        } else if (c == '#' && !in_word) {
            // A comment runs to the end of the line.
            std::size_t nl = s.find('\n', i);
            i = nl == std::string_view::npos ? s.size() : nl;
        } else {
            word += c;
            in_word = true;
            ++i;
        }
    }
    end_word();
    return words;
}

}  // namespace rawhttp::intake
