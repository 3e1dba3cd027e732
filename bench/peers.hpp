// The parsers the head benchmark times, behind one interface, each in its own
// translation unit (llhttp.h and http_parser.h declare the same names).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace bench_peers {

// What a parser read from one head, as spans into the buffer: the common
// shape the agreement check compares.
struct Parsed {
    std::string_view method, target, reason;
    int status = 0, minor = -1;
    std::vector<std::pair<std::string_view, std::string_view>> headers;
    bool chunked = false;
    bool has_length = false;
    std::uint64_t length = 0;
    bool complete = false;  // the head's end was reached

    void clear() {
        method = target = reason = {};
        status = 0;
        minor = -1;
        headers.clear();
        chunked = has_length = complete = false;
        length = 0;
    }
};

class Peer {
public:
    virtual ~Peer() = default;
    // Parses one whole head (`request` or a response to GET): validation,
    // every field as spans, the framing. False when the parser rejects it.
    // The timed work; state is reused between calls as a server would.
    virtual bool run(std::string_view buf, bool request) = 0;
    // The last run's reading, for the agreement check (not timed).
    virtual Parsed parsed() const = 0;
};

// find_head_end + parse_head + framing + the head's rules, as MessageReader does it.
std::unique_ptr<Peer> make_rawhttp();
std::unique_ptr<Peer> make_llhttp();          // llhttp, built -O3 from Debian's node-llhttp sources
std::unique_ptr<Peer> make_picohttpparser();  // h2o's, from Debian's libh2o-evloop, + framing from its fields
std::unique_ptr<Peer> make_http_parser();     // Debian's libhttp-parser

}  // namespace bench_peers
