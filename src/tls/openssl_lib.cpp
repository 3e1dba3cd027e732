#include "tls/openssl_lib.hpp"

#include <dlfcn.h>

#include <mutex>

namespace rawhttp::tls {

namespace {

struct Loaded {
    OpenSslApi api;
    std::string error;  // empty when every function was found
};

Loaded load() {
    Loaded l;
    // libssl's own dependency list brings libcrypto, and dlsym on the libssl
    // handle searches it too.
    void* h = nullptr;
    for (const char* name : {"libssl.so.3", "libssl.so"}) {
        if ((h = ::dlopen(name, RTLD_NOW | RTLD_LOCAL))) break;
    }
    if (!h) {
        const char* why = ::dlerror();
        l.error = std::string("cannot load OpenSSL (libssl.so.3): ") + (why ? why : "not found") +
                  " (install the Debian package libssl3)";
        return l;
    }
#define RAWHTTP_OPENSSL_RESOLVE(name)                                                        \
    l.api.name = reinterpret_cast<decltype(l.api.name)>(::dlsym(h, #name));                  \
    if (!l.api.name && l.error.empty()) l.error = "OpenSSL (libssl.so.3) lacks " #name " (need OpenSSL 3)";
    RAWHTTP_OPENSSL_FUNCTIONS(RAWHTTP_OPENSSL_RESOLVE)
#undef RAWHTTP_OPENSSL_RESOLVE
    return l;  // the handle stays open for the life of the process
}

}  // namespace

Result<const OpenSslApi*> openssl(ErrorKind kind) {
    static std::once_flag once;
    static Loaded loaded;
    std::call_once(once, [] { loaded = load(); });
    if (!loaded.error.empty()) return make_error(kind, loaded.error);
    return &loaded.api;
}

}  // namespace rawhttp::tls
