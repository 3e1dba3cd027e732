// SHA-256 of a byte stream (OpenSSL EVP, loaded at first use), hex: how
// compare tells two bodies apart without keeping both.
#pragma once

#include <string>
#include <string_view>

namespace rawhttp::tls {
struct OpenSslApi;
}

namespace rawhttp::compare {

class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(std::string_view bytes);
    std::string hex();  // finishes; call once
    static std::string of(std::string_view bytes);

private:
    const tls::OpenSslApi* api_ = nullptr;
    void* ctx_ = nullptr;
};

}  // namespace rawhttp::compare
