#include "tls/tls_transport.hpp"

#include <arpa/inet.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "tls/openssl_lib.hpp"

namespace rawhttp::net {

namespace {

// OpenSSL's functions, loaded by start_tls before any TlsTransport exists.
const tls::OpenSslApi* ossl = nullptr;

std::string openssl_errors() {
    std::string out;
    while (unsigned long e = ossl->ERR_get_error()) {
        char buf[256];
        ossl->ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out;
}

bool is_ip_literal(const std::string& host) {
    unsigned char buf[16];
    return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

Error wait_error(const Deadline& deadline, const char* timeout_message) {
    if (deadline.cancelled()) return make_error(ErrorKind::interrupted, "interrupted while waiting on the connection");
    return make_error(ErrorKind::timeout, timeout_message);
}

// The certificate the server showed (the first of its chain, which OpenSSL
// keeps even when verification failed): subject, issuer, names, expiry.
void read_certificate(SSL* ssl, ConnectionInfo& info) {
    auto* chain = reinterpret_cast<OPENSSL_STACK*>(ossl->SSL_get_peer_cert_chain(ssl));
    if (!chain || ossl->OPENSSL_sk_num(chain) < 1) return;
    X509* cert = static_cast<X509*>(ossl->OPENSSL_sk_value(chain, 0));
    if (!cert) return;
    char buf[512];
    if (ossl->X509_NAME_oneline(ossl->X509_get_subject_name(cert), buf, sizeof buf)) info.cert_subject = buf;
    if (ossl->X509_NAME_oneline(ossl->X509_get_issuer_name(cert), buf, sizeof buf)) info.cert_issuer = buf;
    std::tm tm{};
    if (const ASN1_TIME* t = ossl->X509_get0_notAfter(cert); t && ossl->ASN1_TIME_to_tm(t, &tm) == 1) {
        std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
        info.cert_expiry = buf;
    }
    auto* names = static_cast<GENERAL_NAMES*>(ossl->X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (!names) return;
    auto* list = reinterpret_cast<OPENSSL_STACK*>(names);
    for (int i = 0; i < ossl->OPENSSL_sk_num(list); ++i) {
        const auto* n = static_cast<const GENERAL_NAME*>(ossl->OPENSSL_sk_value(list, i));
        if (n->type == GEN_DNS) {
            const auto* d = ossl->ASN1_STRING_get0_data(n->d.dNSName);
            info.cert_names.push_back("DNS:" + std::string(reinterpret_cast<const char*>(d),
                                                           static_cast<std::size_t>(ossl->ASN1_STRING_length(n->d.dNSName))));
        } else if (n->type == GEN_IPADD) {
            const int len = ossl->ASN1_STRING_length(n->d.iPAddress);
            const auto* d = ossl->ASN1_STRING_get0_data(n->d.iPAddress);
            char ip[INET6_ADDRSTRLEN] = {};
            if ((len == 4 || len == 16) && inet_ntop(len == 4 ? AF_INET : AF_INET6, d, ip, sizeof ip))
                info.cert_names.push_back(std::string("IP:") + ip);
        }
    }
    ossl->GENERAL_NAMES_free(names);
}

// OpenSSL reads and writes through the TCP transport, not the socket: the
// deadlines, the cancel flag and --trace's FIN and RST are the transport's,
// and no wait of TLS's own exists. The BIO blocks until the transport has
// read or written, so OpenSSL never asks to retry.
struct BioLink {
    Transport* tcp = nullptr;
    const Deadline* deadline = nullptr;  // of the TLS call under way
    std::optional<Error> error;          // what the transport said, when it failed
};

int bio_write(BIO* b, const char* data, int len) {
    auto* link = static_cast<BioLink*>(ossl->BIO_get_data(b));
    ossl->BIO_clear_flags(b, BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY);
    auto st = link->tcp->write_all({data, static_cast<std::size_t>(len)}, *link->deadline);
    if (!st) {
        link->error = st.error();
        return -1;
    }
    return len;
}

int bio_read(BIO* b, char* buf, int len) {
    auto* link = static_cast<BioLink*>(ossl->BIO_get_data(b));
    ossl->BIO_clear_flags(b, BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY);
    auto got = link->tcp->read(buf, static_cast<std::size_t>(len), *link->deadline);
    if (!got) {
        link->error = got.error();
        // A wait that ended took no bytes: OpenSSL may try again later (a
        // record half-arrived stays whole), as it does on a non-blocking socket.
        if (got.error().kind == ErrorKind::timeout || got.error().kind == ErrorKind::interrupted)
            ossl->BIO_set_flags(b, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY);
        return -1;
    }
    return static_cast<int>(*got);  // 0: the peer closed TCP
}

long bio_ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

BIO_METHOD* transport_bio_method() {
    static BIO_METHOD* method = [] {
        BIO_METHOD* m = ossl->BIO_meth_new(ossl->BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rawhttp transport");
        if (m) {
            ossl->BIO_meth_set_write(m, bio_write);
            ossl->BIO_meth_set_read(m, bio_read);
            ossl->BIO_meth_set_ctrl(m, bio_ctrl);
        }
        return m;
    }();
    return method;
}

// The TCP transport's FIN and RST, told by the TLS transport's observer.
struct EventForwarder : TransportObserver {
    TransportObserver* const* to = nullptr;
    void on_event(std::string_view what) override {
        if (*to) (*to)->on_event(what);
    }
};

class TlsTransport : public Transport {
public:
    TlsTransport(std::unique_ptr<Transport> tcp, SSL_CTX* ctx, SSL* ssl)
        : tcp_(std::move(tcp)), ctx_(ctx), ssl_(ssl), info_(tcp_->info()) {
        link_.tcp = tcp_.get();
        events_.to = &observer_;
        tcp_->set_observer(&events_);  // its bytes are ciphertext: only its events are told
    }
    ~TlsTransport() override {
        if (ssl_) {
            // Best effort close_notify: a write that fits the socket's buffer, not a wait.
            const Deadline soon = Deadline::after(std::chrono::milliseconds(50));
            link_.deadline = &soon;
            ossl->SSL_shutdown(ssl_);
            ossl->SSL_free(ssl_);
        }
        if (ctx_) ossl->SSL_CTX_free(ctx_);
    }

    // Joins the SSL object to the TCP transport; once, before the handshake.
    bool link() {
        BIO* bio = transport_bio_method() ? ossl->BIO_new(transport_bio_method()) : nullptr;
        if (!bio) return false;
        ossl->BIO_set_data(bio, &link_);
        ossl->BIO_set_init(bio, 1);
        ossl->SSL_set_bio(ssl_, bio, bio);  // the SSL object owns it
        return true;
    }

    // Runs one OpenSSL call bounded by `deadline`; the transport's error, if it failed, is kept.
    template <class Call>
    int call(const Deadline& deadline, Call&& c) {
        link_.deadline = &deadline;
        link_.error.reset();
        ossl->ERR_clear_error();
        int r = c();
        link_.deadline = nullptr;
        return r;
    }
    const std::optional<Error>& transport_error() const { return link_.error; }

    Result<std::size_t> read(char* buf, std::size_t cap, const Deadline& deadline) override {
        int n = call(deadline, [&] { return ossl->SSL_read(ssl_, buf, static_cast<int>(std::min<std::size_t>(cap, 1 << 30))); });
        // Read by another thread's wait (the relay's): no SSL call there.
        pending_.store(ossl->SSL_pending(ssl_) > 0 || ossl->SSL_has_pending(ssl_) == 1);
        if (n > 0) {
            if (observer_) observer_->on_read({buf, static_cast<std::size_t>(n)});
            return static_cast<std::size_t>(n);
        }
        int err = ossl->SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_ZERO_RETURN) return std::size_t{0};  // close_notify
        if (link_.error) {
            if (link_.error->kind == ErrorKind::timeout)
                return make_error(ErrorKind::timeout, "timed out waiting for data from the server (TLS)");
            return *link_.error;
        }
        // The peer closed TCP without close_notify: many servers do; treat as end of stream.
        if (err == SSL_ERROR_SYSCALL && ossl->ERR_peek_error() == 0) return std::size_t{0};
        if (err == SSL_ERROR_SSL) {
            // OpenSSL 3 reports an unexpected EOF this way.
            unsigned long e = ossl->ERR_peek_error();
            if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
                ossl->ERR_clear_error();
                return std::size_t{0};
            }
        }
        return make_error(ErrorKind::receive, "receiving over TLS failed: " + openssl_errors());
    }

    Status write_all(std::string_view bytes, const Deadline& deadline) override {
        std::string_view rest = bytes;
        while (!rest.empty()) {
            int n = call(deadline, [&] {
                return ossl->SSL_write(ssl_, rest.data(), static_cast<int>(std::min<std::size_t>(rest.size(), 1 << 30)));
            });
            if (n > 0) {
                if (observer_) observer_->on_write(rest.substr(0, static_cast<std::size_t>(n)));
                rest.remove_prefix(static_cast<std::size_t>(n));
                continue;
            }
            if (link_.error) {
                if (link_.error->kind == ErrorKind::timeout)
                    return make_error(ErrorKind::timeout, "timed out sending the request (TLS)");
                return *link_.error;
            }
            return make_error(ErrorKind::send, "sending over TLS failed: " + openssl_errors());
        }
        return ok_status();
    }

    void shutdown_write() override {
        const Deadline soon = Deadline::after(std::chrono::milliseconds(50));
        call(soon, [&] { return ossl->SSL_shutdown(ssl_); });
        tcp_->shutdown_write();
    }
    Result<Ready> wait_readable(const Deadline& deadline, int other_fd) override {
        if (pending_.load()) return Ready::transport;
        return tcp_->wait_readable(deadline, other_fd);
    }
    void abort() override { tcp_->abort(); }
    const ConnectionInfo& info() const override { return info_; }
    ConnectionInfo& mutable_info() { return info_; }

private:
    std::unique_ptr<Transport> tcp_;
    SSL_CTX* ctx_;
    SSL* ssl_;
    ConnectionInfo info_;
    BioLink link_;
    EventForwarder events_;
    std::atomic<bool> pending_{false};  // OpenSSL holds bytes read() can return at once
};

}  // namespace

Result<std::unique_ptr<Transport>> start_tls(std::unique_ptr<Transport> tcp, const TlsOptions& o,
                                             const Deadline& deadline) {
    auto t0 = Clock::now();
    auto api = tls::openssl(ErrorKind::tls);
    if (!api) return api.error();
    ossl = *api;
    SSL_CTX* ctx = ossl->SSL_CTX_new(ossl->TLS_client_method());
    if (!ctx) return make_error(ErrorKind::tls, "cannot set up TLS: " + openssl_errors());
    ossl->SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, nullptr);
    if (o.verify) {
        ossl->SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
        if (o.ca_file) {
            if (ossl->SSL_CTX_load_verify_locations(ctx, o.ca_file->c_str(), nullptr) != 1) {
                std::string why = openssl_errors();
                ossl->SSL_CTX_free(ctx);
                return make_error(ErrorKind::tls, "cannot read the CA certificates in '" + *o.ca_file + "': " + why);
            }
        } else {
            ossl->SSL_CTX_set_default_verify_paths(ctx);
        }
    } else {
        ossl->SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    static const unsigned char alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    ossl->SSL_CTX_set_alpn_protos(ctx, alpn, sizeof alpn);

    SSL* ssl = ossl->SSL_new(ctx);
    if (!ssl) {
        ossl->SSL_CTX_free(ctx);
        return make_error(ErrorKind::tls, "cannot set up TLS: " + openssl_errors());
    }
    bool ip = is_ip_literal(o.server_name);
    if (!o.server_name.empty() && !ip) ossl->SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                       const_cast<char*>(o.server_name.c_str()));  // SNI
    if (o.verify && !o.server_name.empty()) {
        X509_VERIFY_PARAM* param = ossl->SSL_get0_param(ssl);
        if (ip) ossl->X509_VERIFY_PARAM_set1_ip_asc(param, o.server_name.c_str());
        else ossl->X509_VERIFY_PARAM_set1_host(param, o.server_name.c_str(), 0);
    }
    auto transport = std::make_unique<TlsTransport>(std::move(tcp), ctx, ssl);
    if (!transport->link()) return make_error(ErrorKind::tls, "cannot set up TLS: " + openssl_errors());
    for (;;) {
        int r = transport->call(deadline, [&] { return ossl->SSL_connect(ssl); });
        if (r == 1) break;
        int err = ossl->SSL_get_error(ssl, r);
        if (const auto& failed = transport->transport_error();
            failed && (failed->kind == ErrorKind::timeout || failed->kind == ErrorKind::interrupted))
            return wait_error(deadline, "the TLS handshake timed out");
        long vr = ossl->SSL_get_verify_result(ssl);
        if (o.verify && vr != X509_V_OK) {
            std::string what = ossl->X509_verify_cert_error_string(vr);
            if (vr == X509_V_ERR_HOSTNAME_MISMATCH || vr == X509_V_ERR_IP_ADDRESS_MISMATCH) {
                // Which name was checked, and which the certificate holds.
                ConnectionInfo shown;
                read_certificate(ssl, shown);
                std::string names;
                for (const auto& n : shown.cert_names) names += (names.empty() ? "" : ", ") + n;
                if (names.empty() && shown.cert_subject) names = "no subjectAltName; subject " + *shown.cert_subject;
                what += ": rawhttp checked '" + o.server_name + "' (the Host header's host, else the target), the certificate is for " +
                        (names.empty() ? std::string("no names rawhttp could read") : names);
                Error e = make_error(ErrorKind::tls_verify, "the server's certificate could not be verified: " + what);
                e.tls_failure = TlsFailure::name_mismatch;
                return e;
            }
            Error e = make_error(ErrorKind::tls_verify, "the server's certificate could not be verified: " + what);
            e.tls_failure = TlsFailure::untrusted;
            return e;
        }
        std::string why = openssl_errors();
        if (why.empty() && transport->transport_error()) why = transport->transport_error()->message;
        if (why.empty()) why = err == SSL_ERROR_SYSCALL ? "the connection closed during the handshake" : "handshake failed";
        Error e = make_error(ErrorKind::tls, "the TLS handshake with " + o.server_name + " failed: " + why);
        if (why.find("wrong version number") != std::string::npos || why.find("packet length too long") != std::string::npos)
            e.tls_failure = TlsFailure::not_tls;
        return e;
    }
    auto& info = transport->mutable_info();
    info.tls_version = ossl->SSL_get_version(ssl);
    info.tls_cipher = ossl->SSL_CIPHER_get_name(ossl->SSL_get_current_cipher(ssl));
    info.tls_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    const unsigned char* alpn_chosen = nullptr;
    unsigned alpn_len = 0;
    ossl->SSL_get0_alpn_selected(ssl, &alpn_chosen, &alpn_len);
    if (alpn_chosen && alpn_len > 0) info.tls_alpn = std::string(reinterpret_cast<const char*>(alpn_chosen), alpn_len);
    read_certificate(ssl, info);
    return std::unique_ptr<Transport>(std::move(transport));
}

}  // namespace rawhttp::net
