/* TLS over the client's non-blocking socket, with OpenSSL: context, handshake within the connect deadline,
 * certificate and name verification, and send/recv that report which poll event they wait for. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "private.h"

struct clusterd_tls {
    SSL_CTX *context;
    SSL *ssl;
    char error[256];
};

/* Records OpenSSL's first queued error (or what) in tls->error and clears the queue. */
static void note_error(clusterd_tls_t *tls, const char *what) {
    unsigned long code = ERR_get_error();
    if (code != 0) {
        char text[200];
        ERR_error_string_n(code, text, sizeof text);
        snprintf(tls->error, sizeof tls->error, "%s", text);
    } else {
        snprintf(tls->error, sizeof tls->error, "%s", what);
    }
    if (tls->ssl != NULL) {
        long verify = SSL_get_verify_result(tls->ssl);
        if (verify != X509_V_OK) {
            size_t used = strlen(tls->error);
            snprintf(tls->error + used, sizeof tls->error - used, " (%s)", X509_verify_cert_error_string(verify));
        }
    }
    ERR_clear_error();
}

static bool is_ip_address(const char *name) {
    unsigned char buffer[16];
    return inet_pton(AF_INET, name, buffer) == 1 || inet_pton(AF_INET6, name, buffer) == 1;
}

/* The context: TLS 1.2+, peer verification, the CA and the client certificate from the options. */
static bool make_context(clusterd_tls_t *tls, const clusterd_options_t *options, const char *address,
                         clusterd_error_t *error) {
    tls->context = SSL_CTX_new(TLS_client_method());
    if (tls->context == NULL) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
        return false;
    }
    SSL_CTX_set_min_proto_version(tls->context, TLS1_2_VERSION);
    SSL_CTX_set_verify(tls->context, SSL_VERIFY_PEER, NULL);
    bool trusted = options->tls_ca_file != NULL
                       ? SSL_CTX_load_verify_locations(tls->context, options->tls_ca_file, NULL) == 1
                       : SSL_CTX_set_default_verify_paths(tls->context) == 1;
    if (!trusted) {
        note_error(tls, "cannot load the CA");
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                           "TLS to %s: cannot load the CA file %s: %s", address,
                           options->tls_ca_file != NULL ? options->tls_ca_file : "(default)", tls->error);
        return false;
    }
    if (options->tls_cert_file != NULL) {
        if (SSL_CTX_use_certificate_chain_file(tls->context, options->tls_cert_file) != 1 ||
            SSL_CTX_use_PrivateKey_file(tls->context, options->tls_key_file, SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(tls->context) != 1) {
            note_error(tls, "cannot load the client certificate");
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                               "TLS to %s: cannot load the client certificate %s / key %s: %s", address,
                               options->tls_cert_file, options->tls_key_file, tls->error);
            return false;
        }
    }
    return true;
}

/* The session on fd: SNI for a DNS name, and the name (or IP address) the certificate must match. */
static bool make_session(clusterd_tls_t *tls, const clusterd_options_t *options, int fd, clusterd_error_t *error) {
    const char *name = options->tls_server_name != NULL ? options->tls_server_name : options->host;
    tls->ssl = SSL_new(tls->context);
    if (tls->ssl == NULL || SSL_set_fd(tls->ssl, fd) != 1) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
        return false;
    }
    X509_VERIFY_PARAM *param = SSL_get0_param(tls->ssl);
    bool named;
    if (is_ip_address(name)) {
        named = X509_VERIFY_PARAM_set1_ip_asc(param, name) == 1;
    } else {
        named = SSL_set_tlsext_host_name(tls->ssl, name) == 1 && X509_VERIFY_PARAM_set1_host(param, name, 0) == 1;
    }
    if (!named) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                           "TLS: cannot verify against the name %s", name);
        return false;
    }
    return true;
}

clusterd_tls_t *clusterd_tls_connect(const clusterd_options_t *options, int fd, int64_t deadline, const char *address,
                                     clusterd_error_t *error) {
    clusterd_tls_t *tls = calloc(1, sizeof *tls);
    if (tls == NULL) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
        return NULL;
    }
    ERR_clear_error();
    if (!make_context(tls, options, address, error) || !make_session(tls, options, fd, error)) {
        clusterd_tls_destroy(tls);
        return NULL;
    }
    for (;;) {
        int rc = SSL_connect(tls->ssl);
        if (rc == 1) {
            return tls;
        }
        int reason = SSL_get_error(tls->ssl, rc);
        short events = reason == SSL_ERROR_WANT_READ ? POLLIN : reason == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
        if (events == 0) {
            note_error(tls, reason == SSL_ERROR_SYSCALL ? "connection closed during the handshake" : "handshake failed");
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_IO, EPROTO, "TLS handshake with %s failed: %s", address,
                               tls->error);
            clusterd_tls_destroy(tls);
            return NULL;
        }
        int ready = clusterd_wait_fd(fd, events, deadline);
        if (ready <= 0) {
            int err = ready == 0 ? ETIMEDOUT : errno;
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_IO, err, "TLS handshake with %s: %s", address,
                               ready == 0 ? "timed out" : strerror(err));
            clusterd_tls_destroy(tls);
            return NULL;
        }
    }
}

void clusterd_tls_destroy(clusterd_tls_t *tls) {
    if (tls == NULL) {
        return;
    }
    if (tls->ssl != NULL) {
        (void)SSL_shutdown(tls->ssl); /* one close_notify, not waiting for the peer's */
        SSL_free(tls->ssl);
    }
    SSL_CTX_free(tls->context);
    ERR_clear_error();
    free(tls);
}

/* What SSL_get_error says after an SSL_read/SSL_write that moved nothing, in send/recv terms. */
static long failure(clusterd_tls_t *tls, int rc, short *want) {
    int reason = SSL_get_error(tls->ssl, rc);
    switch (reason) {
    case SSL_ERROR_WANT_READ:
        *want = POLLIN;
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_WANT_WRITE:
        *want = POLLOUT;
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        if (errno == 0) {
            return 0; /* EOF without close_notify: closed all the same */
        }
        return -1;
    default:
        note_error(tls, "TLS error");
        errno = EPROTO;
        return -1;
    }
}

long clusterd_tls_send(clusterd_tls_t *tls, const void *data, size_t len, short *want) {
    ERR_clear_error();
    errno = 0;
    int rc = SSL_write(tls->ssl, data, len > INT32_MAX ? INT32_MAX : (int)len);
    return rc > 0 ? rc : failure(tls, rc, want);
}

long clusterd_tls_recv(clusterd_tls_t *tls, void *data, size_t len, short *want) {
    ERR_clear_error();
    errno = 0;
    int rc = SSL_read(tls->ssl, data, len > INT32_MAX ? INT32_MAX : (int)len);
    return rc > 0 ? rc : failure(tls, rc, want);
}

int clusterd_tls_pending(const clusterd_tls_t *tls) {
    return tls != NULL ? SSL_pending(tls->ssl) : 0;
}

const char *clusterd_tls_error(const clusterd_tls_t *tls) {
    return tls->error[0] != '\0' ? tls->error : "TLS error";
}
