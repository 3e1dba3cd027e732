// rawhttp import FILE.hurl: the Hurl file as the equivalent .req, with what
// was dropped (the response checks) listed. The import command calls it for
// a file (import_cmd.cpp).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/common.hpp"
#include "compose/hurl_import.hpp"

namespace rawhttp::cli {

int import_hurl_file(const LoadedReq& loaded, const std::string& output) {
    auto got = import_hurl(loaded.text);
    if (!got) {
        print_error(loaded.display_name + ": " + got.error().message);
        return 2;
    }
    std::string req = "# " + std::string(output.empty() ? "" : output + ": ") + "imported by rawhttp import from " +
                      loaded.display_name + "\n" + got->req;
    for (const auto& d : got->dropped) print_note("dropped, " + d);
    print_note(std::to_string(got->requests) + (got->requests == 1 ? " request" : " requests") + " imported" +
               (got->dropped.empty() ? "" : "; " + std::to_string(got->dropped.size()) + " part(s) dropped (above)"));
    if (output.empty() || output == "-") return write_all_fd(1, req) ? 0 : 23;
    int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || !write_all_fd(fd, req)) {
        print_error("cannot write '" + output + "': " + std::strerror(errno));
        if (fd >= 0) ::close(fd);
        return 2;
    }
    ::close(fd);
    return 0;
}

}  // namespace rawhttp::cli
