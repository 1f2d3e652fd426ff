#ifndef BARRAGE_COPENSSL_SHIM_H
#define BARRAGE_COPENSSL_SHIM_H
// Debian's OpenSSL (libssl-dev). Swift does not import OpenSSL's function-like macros, so the
// few the TLS module needs are spelled out here as inline functions.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

static inline long barrage_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline long barrage_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
static inline long barrage_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}
static inline long barrage_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}
static inline uint64_t barrage_SSL_OP_NO_TICKET(void) { return SSL_OP_NO_TICKET; }
static inline void barrage_BIO_set_retry_read(BIO *bio) { BIO_set_retry_read(bio); }
static inline void barrage_BIO_clear_retry_flags(BIO *bio) { BIO_clear_retry_flags(bio); }

/// The server's certificate, also when verification failed (the chain then still holds it).
static inline X509 *barrage_peer_leaf(const SSL *ssl) {
    X509 *leaf = SSL_get0_peer_certificate(ssl);
    if (leaf != NULL) return leaf;
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
    if (chain == NULL || sk_X509_num(chain) == 0) return NULL;
    return sk_X509_value(chain, 0);
}

/// Server ALPN: picks "h2" when the client offers it, else goes on without ALPN (the client
/// then names the missing h2 itself).
static inline int barrage_alpn_select_h2(
    SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in, unsigned int inlen,
    void *arg) {
    (void)ssl;
    (void)arg;
    unsigned int i = 0;
    while (i < inlen) {
        unsigned int length = in[i];
        if (i + 1 + length > inlen) break;
        if (length == 2 && in[i + 1] == 'h' && in[i + 2] == '2') {
            *out = in + i + 1;
            *outlen = 2;
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + length;
    }
    return SSL_TLSEXT_ERR_NOACK;
}
static inline void barrage_SSL_CTX_select_alpn_h2(SSL_CTX *ctx) {
    SSL_CTX_set_alpn_select_cb(ctx, barrage_alpn_select_h2, NULL);
}
/// A fresh P-256 key (EVP_EC_gen is a variadic macro Swift cannot call).
static inline EVP_PKEY *barrage_ec_p256_key(void) { return EVP_EC_gen("P-256"); }

/// Adds the extension `nid` with OpenSSL's config text `value` (e.g. "critical,CA:TRUE") to
/// `cert`, issued by `issuer` (`cert` itself for a self-signed one); 1 on success.
static inline int barrage_X509_add_ext_text(X509 *cert, X509 *issuer, int nid, const char *value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *extension = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (extension == NULL) return 0;
    int added = X509_add_ext(cert, extension, -1);
    X509_EXTENSION_free(extension);
    return added;
}

/// The bytes written to a memory BIO so far.
static inline long barrage_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
#endif
