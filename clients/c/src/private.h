/* Internal to libclusterd: shared between the source files, never installed. */
#ifndef CLUSTERD_PRIVATE_H
#define CLUSTERD_PRIVATE_H

#include "clusterd/clusterd.h"
#include "clusterd.pb-c.h"

#if defined(__GNUC__) || defined(__clang__)
#define CLUSTERD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CLUSTERD_PRINTF(fmt, args)
#endif

/* Fills error (when non-NULL) with domain, code and a formatted message. */
void clusterd_error_set(clusterd_error_t *error, int domain, int code, const char *fmt, ...)
    CLUSTERD_PRINTF(4, 5);

/* Writes the 4-byte big-endian length prefix. */
void clusterd_put_be32(uint8_t *out, uint32_t value);
uint32_t clusterd_get_be32(const uint8_t *in);

/* Overwrites a secret with zeros (not optimised away), then frees it. NULL is a no-op. */
void clusterd_free_secret(char *secret);

struct clusterd_options {
    char *host;
    uint16_t port;
    char *token;       /* NULL when none */
    char *client_name;
    int connect_timeout_ms;
    int read_timeout_ms;
    int write_timeout_ms;
    bool lazy_connect;
    bool tls;              /* TLS on (also implied by tls_ca_file) */
    char *tls_ca_file;     /* NULL: OpenSSL's default trust store */
    char *tls_cert_file;   /* client certificate, NULL when none */
    char *tls_key_file;
    char *tls_server_name; /* NULL: the host */
};

/* Copies the string members of src into dst (whose other members are already a copy of src's); false when
 * memory ran out (dst's strings are then freed by clusterd_options_free_strings). */
bool clusterd_options_copy_strings(clusterd_options_t *dst, const clusterd_options_t *src);
/* Frees the string members (the token wiped). */
void clusterd_options_free_strings(clusterd_options_t *options);

/* A TLS session over a connected socket (tls.c, OpenSSL). */
typedef struct clusterd_tls clusterd_tls_t;
/* Creates the context (CA, client certificate) and runs the handshake on fd, non-blocking, within deadline
 * (monotonic ms); verifies the server's certificate and its name (server_name, else host: a DNS name or an IP
 * address). NULL with error set on failure. */
clusterd_tls_t *clusterd_tls_connect(const clusterd_options_t *options, int fd, int64_t deadline, const char *address,
                                     clusterd_error_t *error);
/* Sends a close_notify (best effort) and frees the session; the socket is the caller's. NULL is a no-op. */
void clusterd_tls_destroy(clusterd_tls_t *tls);
/* As send/recv: bytes moved, 0 when the peer closed (recv), or -1 with errno set (EAGAIN: *want is the poll
 * event to wait for; EPROTO: a TLS error, described in tls_error). */
long clusterd_tls_send(clusterd_tls_t *tls, const void *data, size_t len, short *want);
long clusterd_tls_recv(clusterd_tls_t *tls, void *data, size_t len, short *want);
/* Decrypted bytes buffered that a poll on the socket would not show. */
int clusterd_tls_pending(const clusterd_tls_t *tls);
/* The last TLS error, for messages. */
const char *clusterd_tls_error(const clusterd_tls_t *tls);
/* Monotonic milliseconds; poll for events on fd until deadline: 1 ready, 0 timeout, -1 errno. */
int64_t clusterd_now_ms(void);
int clusterd_wait_fd(int fd, short events, int64_t deadline);

/* What every reply handle holds: the unpacked reply frame it owns, and the typed body inside it. */
typedef struct {
    Clusterd__V1__Frame *frame;
    const void *body;
} clusterd_reply_t;

/* Frees the frame and the handle (whose first member is the clusterd_reply_t). NULL is a no-op. */
void clusterd_reply_destroy(clusterd_reply_t *reply);

struct clusterd_status {
    clusterd_reply_t reply; /* body: Clusterd__V1__Status */
};

struct clusterd_run_list {
    clusterd_reply_t reply; /* body: Clusterd__V1__ListRunsReply */
};

struct clusterd_cluster_list {
    clusterd_reply_t reply; /* body: Clusterd__V1__ListClustersReply */
};

struct clusterd_trigger_batch {
    clusterd_reply_t reply; /* body: Clusterd__V1__TriggerAnalysisBatchReply */
};

struct clusterd_placement {
    clusterd_reply_t reply; /* body: Clusterd__V1__GetConversationClusterReply */
};

struct clusterd_curation_result {
    clusterd_reply_t reply; /* body: Clusterd__V1__CurateTopicReply, its change never NULL */
};

struct clusterd_curation_log {
    clusterd_reply_t reply; /* body: Clusterd__V1__ListCurationReply */
};

/* Wrap the generated messages so that a generated pointer converts to a public one. */
struct clusterd_run {
    Clusterd__V1__RunSummary summary;
};

struct clusterd_cluster {
    Clusterd__V1__ClusterInfo info;
};

struct clusterd_path_entry {
    Clusterd__V1__ClusterPathEntry entry;
};

struct clusterd_curation_change {
    Clusterd__V1__CurationChange change;
};

struct clusterd_topic_curation {
    Clusterd__V1__TopicCuration topic;
};

#endif /* CLUSTERD_PRIVATE_H */
