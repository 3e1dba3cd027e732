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

Result<std::string> sha256_hex(std::string_view bytes) {
    auto api = openssl(ErrorKind::usage);
    if (!api) return api.error();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if ((*api)->EVP_Digest(bytes.data(), bytes.size(), md, &len, (*api)->EVP_sha256(), nullptr) != 1)
        return make_error(ErrorKind::usage, "SHA-256 failed");
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

}  // namespace rawhttp::tls
