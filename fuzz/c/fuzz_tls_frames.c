/* libFuzzer target for framing through TLS: the C client's TLS session (tls.c, OpenSSL) receives the input from an
 * in-process TLS server over a socketpair, written as one TLS record per chunk (chunk sizes taken from the input, so
 * frames and length prefixes straddle record boundaries at every position), and feeds what it decrypts to the frame
 * reader, whose complete frames are unpacked and packed again as in fuzz_reader.c. The decrypted stream must equal
 * the input byte for byte. The certificate (P-256, self-signed, CN=localhost) and the TLS connection are made once;
 * each input gets a fresh reader. */
#define _GNU_SOURCE
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clusterd/clusterd.h"
#include "clusterd.pb-c.h"
#include "fuzz_frames.h"
#include "private.h"

static SSL *server;
static clusterd_tls_t *client;

/* A self-signed certificate for localhost and its key. */
static void make_certificate(EVP_PKEY **key, X509 **certificate) {
    *key = EVP_EC_gen("P-256");
    *certificate = X509_new();
    if (*key == NULL || *certificate == NULL) abort();
    ASN1_INTEGER_set(X509_get_serialNumber(*certificate), 1);
    X509_gmtime_adj(X509_getm_notBefore(*certificate), -3600);
    X509_gmtime_adj(X509_getm_notAfter(*certificate), 3600L * 24 * 365);
    X509_set_pubkey(*certificate, *key);
    X509_NAME *name = X509_get_subject_name(*certificate);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0);
    X509_set_issuer_name(*certificate, name);
    if (X509_sign(*certificate, *key, EVP_sha256()) == 0) abort();
}

static void *accept_tls(void *arg) {
    (void)arg;
    if (SSL_accept(server) != 1) abort();
    return NULL;
}

/* The TLS connection both sides share for the whole run. */
static void connect_once(void) {
    EVP_PKEY *key = NULL;
    X509 *certificate = NULL;
    make_certificate(&key, &certificate);
    char ca_path[] = "/tmp/clusterd-fuzz-ca-XXXXXX";
    int ca_fd = mkstemp(ca_path);
    FILE *ca = ca_fd >= 0 ? fdopen(ca_fd, "w") : NULL;
    if (ca == NULL || PEM_write_X509(ca, certificate) != 1) abort();
    fclose(ca);

    SSL_CTX *context = SSL_CTX_new(TLS_server_method());
    if (context == NULL || SSL_CTX_use_certificate(context, certificate) != 1 ||
        SSL_CTX_use_PrivateKey(context, key) != 1) {
        abort();
    }
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) abort();
    int buffer = 1 << 20;
    setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    server = SSL_new(context);
    if (server == NULL || SSL_set_fd(server, fds[0]) != 1) abort();
    pthread_t thread;
    if (pthread_create(&thread, NULL, accept_tls, NULL) != 0) abort();

    clusterd_options_t *options = clusterd_options_new();
    if (options == NULL || !clusterd_options_set_host(options, "localhost", NULL) ||
        !clusterd_options_set_tls_ca_file(options, ca_path, NULL)) {
        abort();
    }
    clusterd_error_t error;
    memset(&error, 0, sizeof error);
    client = clusterd_tls_connect(options, fds[1], clusterd_now_ms() + 10000, "fuzz", &error);
    if (client == NULL) {
        fprintf(stderr, "fuzz_tls_frames: handshake failed: %s\n", error.message);
        abort();
    }
    pthread_join(thread, NULL);
    clusterd_options_destroy(options);
    unlink(ca_path);
    X509_free(certificate);
    EVP_PKEY_free(key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (client == NULL) connect_once();
    /* One record per chunk, all written before reading (the socket buffer holds a whole input). */
    size_t offset = 0;
    while (offset < size) {
        size_t chunk = 1 + (data[offset] % 64);
        if (chunk > size - offset) chunk = size - offset;
        if (SSL_write(server, data + offset, (int)chunk) != (int)chunk) abort();
        offset += chunk;
    }
    clusterd_reader_t *reader = clusterd_reader_new(4096);
    if (reader == NULL) abort();
    uint8_t plain[16384];
    size_t received = 0;
    int status = 0;
    while (received < size) {
        short want = 0;
        long got = clusterd_tls_recv(client, plain, sizeof plain, &want);
        if (got <= 0) abort(); /* everything was written: a read can only succeed */
        if ((size_t)got > size - received || memcmp(plain, data + received, (size_t)got) != 0) abort();
        received += (size_t)got;
        if (status >= 0 && clusterd_reader_feed(reader, plain, (size_t)got) == 0) {
            status = fuzz_drain_frames(reader);
        } else {
            status = -1; /* a refused frame: the client would drop the connection; keep the stream in step */
        }
    }
    clusterd_reader_destroy(reader);
    return 0;
}
