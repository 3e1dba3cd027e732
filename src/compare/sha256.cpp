#include "compare/sha256.hpp"

#include "tls/openssl_lib.hpp"

namespace rawhttp::compare {

// OpenSSL is loaded on first use (tls/openssl_lib.hpp). Should it be missing,
// the digest reads "unavailable" on both sides rather than failing the compare.
Sha256::Sha256() {
    auto api = tls::openssl();
    if (!api) return;
    api_ = *api;
    ctx_ = api_->EVP_MD_CTX_new();
    if (ctx_) api_->EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), api_->EVP_sha256(), nullptr);
}

Sha256::~Sha256() {
    if (ctx_) api_->EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

void Sha256::update(std::string_view bytes) {
    if (ctx_ && !bytes.empty()) api_->EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), bytes.data(), bytes.size());
}

std::string Sha256::hex() {
    if (!ctx_) return "unavailable";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    api_->EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &len);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 15];
    }
    return out;
}

std::string Sha256::of(std::string_view bytes) {
    Sha256 h;
    h.update(bytes);
    return h.hex();
}

}  // namespace rawhttp::compare
