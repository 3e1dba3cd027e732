#include "compare/curl_api.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <optional>

namespace rawhttp::compare {

namespace {

struct Loaded {
    CurlApi api{};
    std::optional<Error> error;
};

template <class F>
bool resolve(void* lib, const char* name, F& out, std::string& missing) {
    void* sym = ::dlsym(lib, name);
    if (!sym) {
        missing += (missing.empty() ? "" : ", ") + std::string(name);
        return false;
    }
    out = reinterpret_cast<F>(sym);
    return true;
}

Loaded load_once() {
    Loaded l;
    const char* env = std::getenv("RAWHTTP_LIBCURL");
    std::string path = env && *env ? env : "libcurl.so.4";
    // RTLD_LOCAL: libcurl's symbols stay out of the global namespace. The
    // handle is never closed: libcurl keeps global state until exit.
    void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char* why = ::dlerror();
        l.error = make_error(ErrorKind::usage, "cannot load libcurl (" + path + "): " + (why ? why : "unknown error") +
                                                   "; --via curl and compare need libcurl 7.55 or later "
                                                   "(Debian/Ubuntu: apt-get install libcurl4)");
        return l;
    }
    std::string missing;
    CurlApi& a = l.api;
    resolve(lib, "curl_easy_init", a.easy_init, missing);
    resolve(lib, "curl_easy_cleanup", a.easy_cleanup, missing);
    resolve(lib, "curl_easy_reset", a.easy_reset, missing);
    resolve(lib, "curl_easy_setopt", a.easy_setopt, missing);
    resolve(lib, "curl_easy_getinfo", a.easy_getinfo, missing);
    resolve(lib, "curl_easy_perform", a.easy_perform, missing);
    resolve(lib, "curl_easy_strerror", a.easy_strerror, missing);
    resolve(lib, "curl_slist_append", a.slist_append, missing);
    resolve(lib, "curl_slist_free_all", a.slist_free_all, missing);
    resolve(lib, "curl_version_info", a.version_info, missing);
    if (!missing.empty()) {
        l.error = make_error(ErrorKind::usage, path + " is not a usable libcurl: missing " + missing);
        return l;
    }
    a.library = path;
    curl_version_info_data* info = a.version_info(CURLVERSION_NOW);
    a.version = info && info->version ? info->version : "unknown";
    // CURLOPT_REQUEST_TARGET (how the exact target is sent) came in 7.55.0.
    if (info && info->version_num < 0x073700) {
        l.error = make_error(ErrorKind::usage, "libcurl " + a.version + " is too old: 7.55.0 or later is needed");
    }
    return l;
}

}  // namespace

Result<const CurlApi*> load_curl() {
    static std::once_flag once;
    static Loaded loaded;
    std::call_once(once, [] { loaded = load_once(); });
    if (loaded.error) return *loaded.error;
    return &loaded.api;
}

}  // namespace rawhttp::compare
