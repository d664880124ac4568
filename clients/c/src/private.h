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
};

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

#endif /* CLUSTERD_PRIVATE_H */
