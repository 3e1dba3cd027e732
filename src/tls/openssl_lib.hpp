#pragma once
// OpenSSL, loaded when first needed. Loading libssl and libcrypto costs more
// start-up time than a whole plain-HTTP exchange on loopback (about 1.4 ms of
// CPU, measured), so only the commands that use TLS or a digest pay for it.
// The headers give the exact function types; nothing here links OpenSSL.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "core/error.hpp"

namespace rawhttp::tls {

struct OpenSslApi {
#define RAWHTTP_OPENSSL_FUNCTIONS(X)                                                                  \
    X(ERR_clear_error) X(ERR_error_string_n) X(ERR_get_error) X(ERR_peek_error) X(SSL_CTX_free)      \
    X(SSL_CTX_load_verify_locations) X(SSL_CTX_new) X(SSL_CTX_set_alpn_protos)                       \
    X(SSL_CTX_set_default_verify_paths) X(SSL_CTX_set_verify) X(SSL_CTX_ctrl) X(SSL_ctrl)            \
    X(SSL_connect) X(SSL_free) X(SSL_get0_param) X(SSL_get_current_cipher) X(SSL_CIPHER_get_name)    \
    X(SSL_get_error) X(SSL_get_verify_result) X(SSL_get_version) X(SSL_new) X(SSL_read)              \
    X(SSL_shutdown) X(SSL_write) X(TLS_client_method) X(X509_VERIFY_PARAM_set1_host)                 \
    X(X509_VERIFY_PARAM_set1_ip_asc) X(X509_verify_cert_error_string) X(EVP_sha256) X(EVP_MD_CTX_new) X(EVP_MD_CTX_free)        \
    X(EVP_DigestInit_ex) X(EVP_DigestUpdate) X(EVP_DigestFinal_ex)                                  \
    X(SSL_get0_alpn_selected) X(SSL_get_peer_cert_chain) X(OPENSSL_sk_num) X(OPENSSL_sk_value)        \
    X(X509_get_subject_name) X(X509_get_issuer_name) X(X509_NAME_oneline) X(X509_get0_notAfter)       \
    X(ASN1_TIME_to_tm) X(X509_get_ext_d2i) X(GENERAL_NAMES_free) X(ASN1_STRING_get0_data)              \
    X(ASN1_STRING_length) X(BIO_get_new_index) X(BIO_meth_new) X(BIO_meth_set_write) X(BIO_meth_set_read) \
    X(BIO_meth_set_ctrl) X(BIO_new) X(BIO_set_data) X(BIO_get_data) X(BIO_set_init) X(BIO_clear_flags) X(BIO_set_flags) \
    X(SSL_set_bio) X(SSL_pending) X(SSL_has_pending)
#define RAWHTTP_OPENSSL_MEMBER(name) decltype(&::name) name = nullptr;
    RAWHTTP_OPENSSL_FUNCTIONS(RAWHTTP_OPENSSL_MEMBER)
#undef RAWHTTP_OPENSSL_MEMBER
};

// The loaded library, or an error of kind `kind` saying what is missing and
// which Debian package provides it. Loaded once; thread-safe.
Result<const OpenSslApi*> openssl(ErrorKind kind = ErrorKind::tls);

}  // namespace rawhttp::tls
