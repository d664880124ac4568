/*
 * libclusterd — C client for clusterd, the background conversation-clustering service.
 *
 * clusterd speaks a length-prefixed protobuf RPC over TCP (proto/clusterd/v1/clusterd.proto):
 * every frame is a 4-byte big-endian length followed by one `clusterd.v1.Frame`.
 *
 * Conventions
 *  - Handles are opaque; each `_new` (or call that hands out a handle) has a matching `_destroy`,
 *    and `_destroy(NULL)` is a no-op.
 *  - Every fallible call takes a nullable `clusterd_error_t *error`; on failure it is filled
 *    with a domain, a code and a human-readable message. On success it is left untouched.
 *  - Strings returned by accessors are owned by the object they come from, never NULL
 *    (empty when absent), and valid until that object is destroyed.
 *  - Thread safety is stated per function. In short: a client is not thread-safe (use one per
 *    thread, or serialise access yourself); distinct handles may be used from distinct threads;
 *    reply handles (status, run list, cluster list, trigger batch, placement, curation result, curation log) are
 *    immutable and may be read
 *    from several threads at once.
 *  - Every RPC of the protocol has one call: clusterd_client_connect (Hello),
 *    clusterd_client_trigger_analysis, clusterd_client_trigger_analysis_batch,
 *    clusterd_client_force_clustering, clusterd_client_get_status, clusterd_client_list_runs,
 *    clusterd_client_list_clusters, clusterd_client_forget_messages,
 *    clusterd_client_get_conversation_cluster, CurateTopic as clusterd_client_rename_topic,
 *    clusterd_client_pin_topic, clusterd_client_unpin_topic and clusterd_client_merge_topic, and
 *    clusterd_client_list_curation. Each returns true on success, false with error filled.
 */
#ifndef CLUSTERD_CLUSTERD_H
#define CLUSTERD_CLUSTERD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Version and export                                                                         */
/* ------------------------------------------------------------------------------------------ */

#define CLUSTERD_VERSION_MAJOR 0
#define CLUSTERD_VERSION_MINOR 2
#define CLUSTERD_VERSION_PATCH 0
#define CLUSTERD_VERSION_STRING "0.2.0"
/* MAJOR << 16 | MINOR << 8 | PATCH, for #if comparisons. */
#define CLUSTERD_VERSION_NUMBER ((CLUSTERD_VERSION_MAJOR << 16) | (CLUSTERD_VERSION_MINOR << 8) | CLUSTERD_VERSION_PATCH)

/* The wire protocol version this library speaks (Hello.protocol_version). */
#define CLUSTERD_PROTOCOL_VERSION 1

/* Default TCP port of clusterd. */
#define CLUSTERD_DEFAULT_PORT 7420

/* Timeout used when an option is left unset or set to <= 0. */
#define CLUSTERD_DEFAULT_TIMEOUT_MS 5000

/* Largest frame body the client accepts from the server, and sends before the server
 * announced its own limit in HelloReply.max_frame_bytes. */
#define CLUSTERD_DEFAULT_MAX_FRAME (1024u * 1024u)

#if defined(_WIN32) || defined(__CYGWIN__)
#define CLUSTERD_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define CLUSTERD_EXPORT __attribute__((visibility("default")))
#else
#define CLUSTERD_EXPORT
#endif

/* The library's version, "MAJOR.MINOR.PATCH", which may differ from the header's
 * CLUSTERD_VERSION_STRING when linked dynamically. Thread-safe. */
CLUSTERD_EXPORT const char *clusterd_version(void);

/* The library's CLUSTERD_VERSION_NUMBER, for run-time checks against the header's. Thread-safe. */
CLUSTERD_EXPORT unsigned clusterd_version_number(void);

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                     */
/* ------------------------------------------------------------------------------------------ */

typedef enum {
    /* connect, read, write, timeout, name resolution. code: an errno value (ETIMEDOUT on a
     * timeout, ECONNREFUSED, ...) or one of the negative CLUSTERD_IO_* codes. */
    CLUSTERD_ERROR_DOMAIN_IO = 1,
    /* The peer broke the protocol: malformed frame, oversized frame, unexpected reply.
     * code: a CLUSTERD_PROTOCOL_* value. */
    CLUSTERD_ERROR_DOMAIN_PROTOCOL = 2,
    /* The server answered with an Error frame. code: a clusterd_code_t (gRPC numbering). */
    CLUSTERD_ERROR_DOMAIN_SERVER = 3,
    /* The caller misused the API (NULL argument) or memory ran out. code: CLUSTERD_CLIENT_*. */
    CLUSTERD_ERROR_DOMAIN_CLIENT = 4
} clusterd_error_domain_t;

/* Local codes of CLUSTERD_ERROR_DOMAIN_IO (errno values are positive). */
enum {
    CLUSTERD_IO_CLOSED = -1,  /* the server closed the connection */
    CLUSTERD_IO_RESOLVE = -2  /* the host name could not be resolved */
};

/* Codes of CLUSTERD_ERROR_DOMAIN_PROTOCOL. */
enum {
    CLUSTERD_PROTOCOL_MALFORMED = 1,        /* a frame that is not a valid clusterd.v1.Frame */
    CLUSTERD_PROTOCOL_FRAME_TOO_LARGE = 2,  /* a frame above the maximum, either direction */
    CLUSTERD_PROTOCOL_UNEXPECTED_REPLY = 3  /* a reply body that does not answer the call */
};

/* Codes of CLUSTERD_ERROR_DOMAIN_CLIENT. */
enum {
    CLUSTERD_CLIENT_INVALID_ARGUMENT = 1,
    CLUSTERD_CLIENT_NO_MEMORY = 2
};

/* Codes of CLUSTERD_ERROR_DOMAIN_SERVER: clusterd.v1.Code, numbered as gRPC's. */
typedef enum {
    CLUSTERD_CODE_OK = 0,
    CLUSTERD_CODE_INVALID_ARGUMENT = 3,
    CLUSTERD_CODE_NOT_FOUND = 5,
    CLUSTERD_CODE_RESOURCE_EXHAUSTED = 8,
    CLUSTERD_CODE_FAILED_PRECONDITION = 9,
    CLUSTERD_CODE_UNIMPLEMENTED = 12,
    CLUSTERD_CODE_INTERNAL = 13,
    CLUSTERD_CODE_UNAVAILABLE = 14,
    CLUSTERD_CODE_UNAUTHENTICATED = 16
} clusterd_code_t;

/* A public struct on purpose (like bson_error_t): callers allocate it, usually on the stack. */
typedef struct {
    int domain;        /* a clusterd_error_domain_t, 0 when no error was set */
    int code;          /* meaning depends on domain, see above */
    char message[256]; /* NUL-terminated, human-readable */
} clusterd_error_t;

/* "INVALID_ARGUMENT" for 3, ... ; "UNKNOWN" for codes this library does not know.
 * Static storage. Thread-safe. */
CLUSTERD_EXPORT const char *clusterd_code_name(int code);

/* "io", "protocol", "server", "client" or "unknown". Static storage. Thread-safe. */
CLUSTERD_EXPORT const char *clusterd_error_domain_name(int domain);

/* ------------------------------------------------------------------------------------------ */
/* Frame reader: I/O-free, reusable by bindings that do their own networking                  */
/* ------------------------------------------------------------------------------------------ */

/* Splits a byte stream into frame bodies (the protobuf bytes, without the length prefix).
 * Feed it whatever the socket returned; take complete frames out with clusterd_reader_next.
 * A length above max_frame is refused as soon as the 4-byte prefix is seen, before any of
 * the body is buffered. After an error the reader stays failed. */
typedef struct clusterd_reader clusterd_reader_t;

/* A new reader accepting frame bodies of up to max_frame bytes (0: CLUSTERD_DEFAULT_MAX_FRAME).
 * NULL when out of memory. Caller owns the result; free with clusterd_reader_destroy. */
CLUSTERD_EXPORT clusterd_reader_t *clusterd_reader_new(size_t max_frame);

/* NULL is a no-op. */
CLUSTERD_EXPORT void clusterd_reader_destroy(clusterd_reader_t *reader);

/* Appends len bytes (data is copied). Returns 0, or -1 when out of memory or when the reader
 * has already failed. Invalidates frames returned earlier by clusterd_reader_next. */
CLUSTERD_EXPORT int clusterd_reader_feed(clusterd_reader_t *reader, const uint8_t *data, size_t len);

/* Takes the next complete frame. Returns 1 and sets *frame and *len (the body, which may be empty;
 * *frame points into the reader and stays valid until the next clusterd_reader_feed or
 * clusterd_reader_destroy), 0 when more bytes are needed, -1 on error (a length above
 * max_frame); see clusterd_reader_errstr. */
CLUSTERD_EXPORT int clusterd_reader_next(clusterd_reader_t *reader, const uint8_t **frame, size_t *len);

/* Bytes buffered and not yet returned as frames. */
CLUSTERD_EXPORT size_t clusterd_reader_buffered(const clusterd_reader_t *reader);

/* The reason of the last error, or NULL when the reader has not failed. Owned by the reader. */
CLUSTERD_EXPORT const char *clusterd_reader_errstr(const clusterd_reader_t *reader);

/* A reader is not thread-safe; distinct readers are independent. */

/* ------------------------------------------------------------------------------------------ */
/* Options                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* How to reach the server: address, token, client name, timeouts. Opaque so fields can be added
 * without breaking the ABI. Build one, pass it to clusterd_client_new (which copies what it
 * needs), then destroy it. An options object is not thread-safe; distinct ones are independent. */
typedef struct clusterd_options clusterd_options_t;

/* New options with the defaults: 127.0.0.1:CLUSTERD_DEFAULT_PORT, no token, client name
 * "libclusterd/<version>", every timeout CLUSTERD_DEFAULT_TIMEOUT_MS, connect at once.
 * NULL when out of memory. Caller owns the result (clusterd_options_destroy). Thread-safe. */
CLUSTERD_EXPORT clusterd_options_t *clusterd_options_new(void);

/* NULL is a no-op. */
CLUSTERD_EXPORT void clusterd_options_destroy(clusterd_options_t *options);

/* "host:port", "[v6]:port", "host" (default port) or ":port" (127.0.0.1). Returns false with
 * CLIENT/INVALID_ARGUMENT for anything else (an empty host, a port outside 1..65535). Copied. */
CLUSTERD_EXPORT bool clusterd_options_set_address(clusterd_options_t *options, const char *address,
                                                  clusterd_error_t *error);

/* A host name or numeric address (resolved with getaddrinfo at connect time). Copied. */
CLUSTERD_EXPORT bool clusterd_options_set_host(clusterd_options_t *options, const char *host, clusterd_error_t *error);

/* The TCP port (0: CLUSTERD_DEFAULT_PORT). */
CLUSTERD_EXPORT void clusterd_options_set_port(clusterd_options_t *options, uint16_t port);

/* The shared secret sent in Hello (NULL or "": none). Copied; the copy is wiped when freed. */
CLUSTERD_EXPORT bool clusterd_options_set_token(clusterd_options_t *options, const char *token,
                                                clusterd_error_t *error);

/* Free text naming the client in the server's log (Hello.client_name). Copied. */
CLUSTERD_EXPORT bool clusterd_options_set_client_name(clusterd_options_t *options, const char *name,
                                                      clusterd_error_t *error);

/* Milliseconds for TCP connect plus the Hello round trip (<= 0: CLUSTERD_DEFAULT_TIMEOUT_MS). Name
 * resolution (getaddrinfo) is not bounded by it: pass a numeric address where that matters. */
CLUSTERD_EXPORT void clusterd_options_set_connect_timeout_ms(clusterd_options_t *options, int timeout_ms);

/* Milliseconds to wait for a reply once the request is sent (<= 0: CLUSTERD_DEFAULT_TIMEOUT_MS).
 * A read timeout keeps the connection: a late reply is recognised by its call id and dropped. */
CLUSTERD_EXPORT void clusterd_options_set_read_timeout_ms(clusterd_options_t *options, int timeout_ms);

/* Milliseconds to hand a whole request to the kernel (<= 0: CLUSTERD_DEFAULT_TIMEOUT_MS). A write
 * timeout drops the connection (a partial frame cannot be taken back). */
CLUSTERD_EXPORT void clusterd_options_set_write_timeout_ms(clusterd_options_t *options, int timeout_ms);

/* Sets the three timeouts at once. */
CLUSTERD_EXPORT void clusterd_options_set_timeout_ms(clusterd_options_t *options, int timeout_ms);

/* When true, clusterd_client_new does not connect; the first call (or clusterd_client_connect)
 * does. Useful for a process that may start before the server. Default false. */
CLUSTERD_EXPORT void clusterd_options_set_lazy_connect(clusterd_options_t *options, bool lazy);

/* TLS (OpenSSL) for a server with CLUSTERD_TLS_CERT_FILE: the server's certificate is verified against the CA
 * (clusterd_options_set_tls_ca_file, else OpenSSL's default trust store) and against the server name (the host
 * unless set: a DNS name or an IP address). A failed handshake is an IO error (EPROTO) whose message says why.
 * Default off. */
CLUSTERD_EXPORT void clusterd_options_set_tls(clusterd_options_t *options, bool tls);

/* The PEM file of the CA(s) to trust (NULL or "": the default store); turns TLS on. Copied. */
CLUSTERD_EXPORT bool clusterd_options_set_tls_ca_file(clusterd_options_t *options, const char *path,
                                                      clusterd_error_t *error);

/* A client certificate chain and its key (PEM files; both or neither), for a server with
 * CLUSTERD_TLS_CLIENT_CA_FILE. Copied. */
CLUSTERD_EXPORT bool clusterd_options_set_tls_client_certificate(clusterd_options_t *options, const char *cert_file,
                                                                 const char *key_file, clusterd_error_t *error);

/* The name the server's certificate must carry, and the SNI sent (NULL or "": the host). Copied. */
CLUSTERD_EXPORT bool clusterd_options_set_tls_server_name(clusterd_options_t *options, const char *name,
                                                          clusterd_error_t *error);

/* ------------------------------------------------------------------------------------------ */
/* Client                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* One TCP connection to clusterd, plus what is needed to reconnect it.
 * NOT thread-safe: use one client per thread (or serialise all calls on a client yourself).
 * Calls block the calling thread for at most the write timeout plus the read timeout (plus the
 * connect timeout when a reconnect is needed). SIGPIPE is never raised (MSG_NOSIGNAL). */
typedef struct clusterd_client clusterd_client_t;

/* A client for options (NULL: the defaults), which is only read: the caller keeps ownership and
 * may destroy it at once. Unless lazy_connect is set, connects within the connect timeout, sends
 * Hello (client name, token) and waits for HelloReply. Returns NULL on failure with error
 * filled, e.g. IO/ECONNREFUSED "cannot connect to 127.0.0.1:7420: Connection refused", or
 * SERVER/UNAUTHENTICATED when the token is wrong. Caller owns the result
 * (clusterd_client_destroy). Thread-safe (creates an independent client). */
CLUSTERD_EXPORT clusterd_client_t *clusterd_client_new(const clusterd_options_t *options, clusterd_error_t *error);

/* Closes the connection and frees the client. NULL is a no-op. */
CLUSTERD_EXPORT void clusterd_client_destroy(clusterd_client_t *client);

/* Connects and says Hello now unless already connected (a no-op then). Every call does this by
 * itself first; this is the explicit form of the Hello RPC. Not thread-safe. */
CLUSTERD_EXPORT bool clusterd_client_connect(clusterd_client_t *client, clusterd_error_t *error);

/* True while the client holds an open connection. After an I/O or protocol error the connection
 * is dropped, and the next call reconnects (and says Hello again) before sending; a connection
 * the server closed while idle is noticed before the next call and replaced the same way.
 * A request is never re-sent automatically: a call that failed may or may not have been
 * handled (triggers are idempotent, so re-sending one is safe). Not thread-safe. */
CLUSTERD_EXPORT bool clusterd_client_is_connected(const clusterd_client_t *client);

/* The server version from the last HelloReply ("" before one). Owned by the client; valid until
 * the next call on it. Not thread-safe. */
CLUSTERD_EXPORT const char *clusterd_client_get_server_version(const clusterd_client_t *client);

/* The largest frame body the server accepts (HelloReply.max_frame_bytes; 0 before a Hello).
 * Requests above it are refused locally with PROTOCOL/FRAME_TOO_LARGE, and the connection kept. */
CLUSTERD_EXPORT uint32_t clusterd_client_get_server_max_frame(const clusterd_client_t *client);

/* TriggerAnalysisReply.Outcome. */
typedef enum {
    CLUSTERD_TRIGGER_OUTCOME_UNSPECIFIED = 0,
    CLUSTERD_TRIGGER_OUTCOME_QUEUED = 1,         /* put on the analysis queue */
    CLUSTERD_TRIGGER_OUTCOME_ALREADY_QUEUED = 2, /* already waiting or being analysed */
    CLUSTERD_TRIGGER_OUTCOME_RECORDED = 3        /* background clustering disabled; counted */
} clusterd_trigger_outcome_t;

/* "QUEUED", "ALREADY_QUEUED", "RECORDED", "UNSPECIFIED" or "UNKNOWN". Static storage. Thread-safe. */
CLUSTERD_EXPORT const char *clusterd_trigger_outcome_name(int outcome);

/* TriggerAnalysis, "a message was created": asks the server to analyse message_id in the
 * background. conversation_id may be NULL. Returns true once the server acknowledged (it never
 * waits for the analysis); *outcome (nullable) says how. A full queue is SERVER/RESOURCE_EXHAUSTED
 * (the server's sweep still analyses the message later); an empty or over-1024-character id is
 * SERVER/INVALID_ARGUMENT. Strings are only read during the call. Not thread-safe. */
CLUSTERD_EXPORT bool clusterd_client_trigger_analysis(clusterd_client_t *client, const char *message_id,
                                                      const char *conversation_id,
                                                      clusterd_trigger_outcome_t *outcome, clusterd_error_t *error);

/* ForceClustering: runs a clustering now, whatever the trigger rules say. Returns true when the
 * server accepted. *started (nullable) is true when this call started a run; *follow_up_queued
 * (nullable) is true when a run was in progress and one follow-up run is queued instead (several
 * forces during one run coalesce into that one). Not thread-safe. */
CLUSTERD_EXPORT bool clusterd_client_force_clustering(clusterd_client_t *client, bool *started,
                                                      bool *follow_up_queued, clusterd_error_t *error);

/* ------------------------------------------------------------------------------------------ */
/* Replies: opaque, immutable handles                                                         */
/* ------------------------------------------------------------------------------------------ */

/* Every reply handle below is owned by the caller, freed with its own _destroy (NULL is a no-op),
 * independent of the client that fetched it, and immutable: it may be read from several threads
 * at once. Objects borrowed from a handle (runs, clusters, strings) live as long as the handle.
 * Accessors never return NULL strings ("" when absent) unless stated; an index out of range
 * gives NULL / 0. */

/* A snapshot of the server's status. */
typedef struct clusterd_status clusterd_status_t;

/* A clustering run summary, borrowed from a status, a run list or a cluster list. */
typedef struct clusterd_run clusterd_run_t;

/* The reply to ListRuns. */
typedef struct clusterd_run_list clusterd_run_list_t;

/* The reply to ListClusters: a run and its clusters. */
typedef struct clusterd_cluster_list clusterd_cluster_list_t;

/* One cluster, borrowed from a cluster list. */
typedef struct clusterd_cluster clusterd_cluster_t;

/* The reply to TriggerAnalysisBatch: one result per message id, in request order. */
typedef struct clusterd_trigger_batch clusterd_trigger_batch_t;

/* The reply to GetConversationCluster: where a conversation sits, with its cluster path. */
typedef struct clusterd_placement clusterd_placement_t;

/* One cluster on a placement's path, borrowed from the placement. */
typedef struct clusterd_path_entry clusterd_path_entry_t;

/* The reply to a curation call (rename, pin, unpin, merge): the change as logged and what it does. */
typedef struct clusterd_curation_result clusterd_curation_result_t;

/* The reply to ListCuration: the curated topics and the audit log of changes, newest first. */
typedef struct clusterd_curation_log clusterd_curation_log_t;

/* One logged change, borrowed from a curation result or a curation log. */
typedef struct clusterd_curation_change clusterd_curation_change_t;

/* One curated topic (a kept name or a merge), borrowed from a curation log. */
typedef struct clusterd_topic_curation clusterd_topic_curation_t;

/* GetStatus, answered from the server's memory. On success *status is a new handle
 * (clusterd_status_destroy). On failure *status is left untouched. Not thread-safe (client). */
CLUSTERD_EXPORT bool clusterd_client_get_status(clusterd_client_t *client, clusterd_status_t **status,
                                                clusterd_error_t *error);

/* ListRuns: up to limit runs of any status, newest first (0: the server's default of 20; the
 * server caps it at 1000), all pages of them (the server sends at most CLUSTERD_LIST_PAGE_SIZE runs
 * and 1 MiB per reply; the client asks for the next page until there is none). SERVER/UNAVAILABLE
 * when the server cannot reach MongoDB. On success *runs is a new handle (clusterd_run_list_destroy).
 * Not thread-safe (client). */
CLUSTERD_EXPORT bool clusterd_client_list_runs(clusterd_client_t *client, uint32_t limit, clusterd_run_list_t **runs,
                                               clusterd_error_t *error);

/* ListClusters: the clusters of run_id, or of the latest successful run when run_id is NULL or "",
 * all pages of them (gathered into one list, all of the first page's run). SERVER/NOT_FOUND for an unknown run id or before any successful run. On success *clusters is a
 * new handle (clusterd_cluster_list_destroy). Not thread-safe (client). */
CLUSTERD_EXPORT bool clusterd_client_list_clusters(clusterd_client_t *client, const char *run_id,
                                                   clusterd_cluster_list_t **clusters, clusterd_error_t *error);

/* Largest number of ids in one TriggerAnalysisBatch. */
#define CLUSTERD_MAX_BATCH 10000

/* TriggerAnalysisBatch: triggers count messages in one frame (a backfill). conversation_ids is
 * NULL or holds count entries (each NULL or a string). The call fails as a whole only for
 * count 0 or above CLUSTERD_MAX_BATCH (CLIENT/INVALID_ARGUMENT, nothing sent), a request above the
 * server's maximum frame (PROTOCOL/FRAME_TOO_LARGE: split it), or an I/O, protocol or server
 * error; otherwise each id has its own result in *batch (clusterd_trigger_batch_destroy).
 * Arrays and strings are only read during the call. Not thread-safe (client). */
CLUSTERD_EXPORT bool clusterd_client_trigger_analysis_batch(clusterd_client_t *client, const char *const *message_ids,
                                                            const char *const *conversation_ids, size_t count,
                                                            clusterd_trigger_batch_t **batch,
                                                            clusterd_error_t *error);

/* ForgetMessages: erases what the server holds about messages, for a data-erasure request. Give
 * either count message ids (1 to CLUSTERD_MAX_BATCH) and conversation_id NULL or "", or count 0
 * and a conversation_id (its analyses, its assignments in every run and its cluster references
 * go). Anything else is CLIENT/INVALID_ARGUMENT, nothing sent; an empty or over-1024-character id
 * is SERVER/INVALID_ARGUMENT; SERVER/UNAVAILABLE when the server cannot reach MongoDB. On success
 * the nullable counts are filled: analyses and assignments deleted, cluster updates (a
 * representative conversation or orphaned top concepts removed). Arrays and strings are only
 * read during the call. Not thread-safe (client). */
CLUSTERD_EXPORT bool clusterd_client_forget_messages(clusterd_client_t *client, const char *const *message_ids,
                                                     size_t count, const char *conversation_id,
                                                     uint64_t *analyses_erased, uint64_t *assignments_erased,
                                                     uint64_t *clusters_scrubbed, clusterd_error_t *error);

/* GetConversationCluster: where conversation_id sits, its assignment in the latest successful run
 * or, for a conversation analysed since, its provisional placement at that run's nearest base
 * cluster, with its cluster path (the base cluster first, then each parent up to the top). A NULL
 * conversation_id is CLIENT/INVALID_ARGUMENT, nothing sent; an empty or over-1024-character id is
 * SERVER/INVALID_ARGUMENT; SERVER/NOT_FOUND before any successful run or when the conversation has
 * neither; SERVER/UNAVAILABLE when the server cannot reach MongoDB. On success *placement is a new
 * handle (clusterd_placement_destroy). The string is only read during the call. Not thread-safe
 * (client). */
CLUSTERD_EXPORT bool clusterd_client_get_conversation_cluster(clusterd_client_t *client, const char *conversation_id,
                                                              clusterd_placement_t **placement,
                                                              clusterd_error_t *error);

/* Hand curation of a topic (CurateTopic), stored in MongoDB and applied by every later run. The server logs each
 * change with who made it ("token" when it has a token, else "local", with this client's name in brackets) and
 * when. On success *result is a new handle (clusterd_curation_result_destroy) holding the change as logged and a
 * message saying what it does. Errors, after which nothing has changed: a NULL client, string or result is
 * CLIENT/INVALID_ARGUMENT, nothing sent; SERVER/NOT_FOUND before any successful run or for an id the latest
 * successful run does not have; SERVER/INVALID_ARGUMENT for an empty or over-500-character id or name, a merge of a
 * topic into itself (directly or through earlier merges) or across levels, an unpin of a topic with no kept name;
 * SERVER/UNAVAILABLE when the server cannot reach MongoDB. Strings are only read during the call. Not thread-safe
 * (client). */

/* Rename: stable_id keeps name (and description, unless NULL or "": the run's own) while the stable id
 * continues; neither Claude nor local naming replaces it. The latest successful run shows it at once. */
CLUSTERD_EXPORT bool clusterd_client_rename_topic(clusterd_client_t *client, const char *stable_id, const char *name,
                                                  const char *description, clusterd_curation_result_t **result,
                                                  clusterd_error_t *error);

/* Pin: stable_id keeps its current name (as the latest successful run shows it), as a rename to it would. */
CLUSTERD_EXPORT bool clusterd_client_pin_topic(clusterd_client_t *client, const char *stable_id,
                                               clusterd_curation_result_t **result, clusterd_error_t *error);

/* Unpin: drops a kept name (rename or pin); from the next run the topic is named by the usual rules. */
CLUSTERD_EXPORT bool clusterd_client_unpin_topic(clusterd_client_t *client, const char *stable_id,
                                                 clusterd_curation_result_t **result, clusterd_error_t *error);

/* Merge: from the next run stable_id's conversations are reported under into_stable_id (a topic of the same
 * level) and the two clusters are one. */
CLUSTERD_EXPORT bool clusterd_client_merge_topic(clusterd_client_t *client, const char *stable_id,
                                                 const char *into_stable_id, clusterd_curation_result_t **result,
                                                 clusterd_error_t *error);

/* ListCuration: the curated topics and up to limit logged changes, newest first (0: 100; the server caps it at
 * 1000), of stable_id only (the topic and those merged into it) unless it is NULL or "". SERVER/UNAVAILABLE when
 * the server cannot reach MongoDB. On success *log is a new handle (clusterd_curation_log_destroy). Not
 * thread-safe (client). */
CLUSTERD_EXPORT bool clusterd_client_list_curation(clusterd_client_t *client, const char *stable_id, uint32_t limit,
                                                   clusterd_curation_log_t **log, clusterd_error_t *error);

CLUSTERD_EXPORT void clusterd_status_destroy(clusterd_status_t *status);
CLUSTERD_EXPORT void clusterd_run_list_destroy(clusterd_run_list_t *runs);
CLUSTERD_EXPORT void clusterd_cluster_list_destroy(clusterd_cluster_list_t *clusters);
CLUSTERD_EXPORT void clusterd_trigger_batch_destroy(clusterd_trigger_batch_t *batch);
CLUSTERD_EXPORT void clusterd_placement_destroy(clusterd_placement_t *placement);
CLUSTERD_EXPORT void clusterd_curation_result_destroy(clusterd_curation_result_t *result);
CLUSTERD_EXPORT void clusterd_curation_log_destroy(clusterd_curation_log_t *log);

/* ---- status ---- */

/* The seed's fields. */
CLUSTERD_EXPORT bool clusterd_status_get_enabled(const clusterd_status_t *status);
CLUSTERD_EXPORT bool clusterd_status_get_clustering_in_progress(const clusterd_status_t *status);
CLUSTERD_EXPORT uint64_t clusterd_status_get_unprocessed_messages(const clusterd_status_t *status);
/* Whole minutes since the last clustering run; -1 when there has been none. */
CLUSTERD_EXPORT int64_t clusterd_status_get_minutes_since_last_clustering(const clusterd_status_t *status);
CLUSTERD_EXPORT bool clusterd_status_get_should_trigger_clustering(const clusterd_status_t *status);
CLUSTERD_EXPORT const char *clusterd_status_get_trigger_reason(const clusterd_status_t *status);

/* Configuration (0 when the server did not send it). */
CLUSTERD_EXPORT uint32_t clusterd_status_get_message_threshold(const clusterd_status_t *status);
CLUSTERD_EXPORT uint32_t clusterd_status_get_time_threshold_minutes(const clusterd_status_t *status);
CLUSTERD_EXPORT uint32_t clusterd_status_get_analysis_workers(const clusterd_status_t *status);

/* Operator fields. */
CLUSTERD_EXPORT uint32_t clusterd_status_get_queue_depth(const clusterd_status_t *status);
CLUSTERD_EXPORT uint32_t clusterd_status_get_queue_capacity(const clusterd_status_t *status);
CLUSTERD_EXPORT uint32_t clusterd_status_get_in_flight_analyses(const clusterd_status_t *status);
CLUSTERD_EXPORT uint64_t clusterd_status_get_analyzed_total(const clusterd_status_t *status);
CLUSTERD_EXPORT uint64_t clusterd_status_get_failed_total(const clusterd_status_t *status);
CLUSTERD_EXPORT const char *clusterd_status_get_last_error(const clusterd_status_t *status);
/* "queued", "loading", "clustering", "naming", "writing"; "" when idle. */
CLUSTERD_EXPORT const char *clusterd_status_get_clustering_stage(const clusterd_status_t *status);
/* 0.0 to 1.0 within the running clustering. */
CLUSTERD_EXPORT double clusterd_status_get_clustering_progress(const clusterd_status_t *status);
CLUSTERD_EXPORT bool clusterd_status_get_follow_up_queued(const clusterd_status_t *status);
/* Names of degraded parts ("store", "embedder:fallback", "llm"); index < count, else NULL. */
CLUSTERD_EXPORT size_t clusterd_status_get_degraded_count(const clusterd_status_t *status);
CLUSTERD_EXPORT const char *clusterd_status_get_degraded(const clusterd_status_t *status, size_t index);
CLUSTERD_EXPORT double clusterd_status_get_uptime_seconds(const clusterd_status_t *status);
CLUSTERD_EXPORT const char *clusterd_status_get_version(const clusterd_status_t *status);
CLUSTERD_EXPORT const char *clusterd_status_get_embedder(const clusterd_status_t *status);
CLUSTERD_EXPORT uint64_t clusterd_status_get_triggers_total(const clusterd_status_t *status);
CLUSTERD_EXPORT uint64_t clusterd_status_get_triggers_refused(const clusterd_status_t *status);
CLUSTERD_EXPORT uint64_t clusterd_status_get_swept_total(const clusterd_status_t *status);
/* Analyses by another embedder than the current one: left out of runs, analysed again by the catch-up sweep. */
CLUSTERD_EXPORT uint64_t clusterd_status_get_stale_analyses(const clusterd_status_t *status);
/* The change stream on the messages collection: "following", "starting", "unsupported", "off" or "error: ...". */
CLUSTERD_EXPORT const char *clusterd_status_get_change_stream(const clusterd_status_t *status);
/* This replica and the clustering lease (several replicas on one MongoDB): its id (CLUSTERD_INSTANCE_ID), the
 * leader's id ("" before the first lease round), whether it leads, the lease's fencing token, seconds since the
 * leader acquired the lease (negative before the first round), and the messages it has claimed for analysis and
 * not finished. "" / 0 / false / -1 from a server without replicas. */
CLUSTERD_EXPORT const char *clusterd_status_get_replica_id(const clusterd_status_t *status);
CLUSTERD_EXPORT const char *clusterd_status_get_replica_leader(const clusterd_status_t *status);
CLUSTERD_EXPORT bool clusterd_status_get_replica_is_leader(const clusterd_status_t *status);
CLUSTERD_EXPORT int64_t clusterd_status_get_replica_fencing_token(const clusterd_status_t *status);
CLUSTERD_EXPORT double clusterd_status_get_replica_lease_age_seconds(const clusterd_status_t *status);
CLUSTERD_EXPORT uint64_t clusterd_status_get_replica_live_claims(const clusterd_status_t *status);

/* The latest successful run; absent (false / NULL) when no run has succeeded yet. */
CLUSTERD_EXPORT bool clusterd_status_has_latest_run(const clusterd_status_t *status);
CLUSTERD_EXPORT const clusterd_run_t *clusterd_status_get_latest_run(const clusterd_status_t *status);
/* The latest run of any status (running, skipped, failed ...); NULL when none. */
CLUSTERD_EXPORT const clusterd_run_t *clusterd_status_get_last_run(const clusterd_status_t *status);

/* Convenience forms of the latest successful run's fields ("" / 0 when there is none). */
CLUSTERD_EXPORT const char *clusterd_status_get_latest_run_id(const clusterd_status_t *status);
CLUSTERD_EXPORT const char *clusterd_status_get_latest_run_status(const clusterd_status_t *status);
CLUSTERD_EXPORT uint64_t clusterd_status_get_latest_run_total_conversations(const clusterd_status_t *status);
CLUSTERD_EXPORT uint32_t clusterd_status_get_latest_run_clusters_created(const clusterd_status_t *status);

/* ---- runs ---- */

/* Run summary fields ("" / 0 for a NULL run). Times are Unix epoch milliseconds; finished_at is
 * 0 while the run has not ended. status: "running", "succeeded", "failed", "skipped", "abandoned". */
CLUSTERD_EXPORT const char *clusterd_run_get_id(const clusterd_run_t *run);
CLUSTERD_EXPORT const char *clusterd_run_get_status(const clusterd_run_t *run);
CLUSTERD_EXPORT const char *clusterd_run_get_trigger_reason(const clusterd_run_t *run);
CLUSTERD_EXPORT const char *clusterd_run_get_error(const clusterd_run_t *run);
CLUSTERD_EXPORT int64_t clusterd_run_get_created_at_ms(const clusterd_run_t *run);
CLUSTERD_EXPORT int64_t clusterd_run_get_finished_at_ms(const clusterd_run_t *run);
CLUSTERD_EXPORT uint64_t clusterd_run_get_duration_ms(const clusterd_run_t *run);
CLUSTERD_EXPORT uint64_t clusterd_run_get_total_conversations(const clusterd_run_t *run);
CLUSTERD_EXPORT uint64_t clusterd_run_get_total_messages(const clusterd_run_t *run);
CLUSTERD_EXPORT uint32_t clusterd_run_get_clusters_created(const clusterd_run_t *run);

/* Runs of a ListRuns reply, newest first. */
CLUSTERD_EXPORT size_t clusterd_run_list_get_count(const clusterd_run_list_t *runs);
CLUSTERD_EXPORT const clusterd_run_t *clusterd_run_list_get(const clusterd_run_list_t *runs, size_t index);

/* ---- placements ---- */

/* Placement fields ("" / 0 for a NULL placement). */
CLUSTERD_EXPORT const char *clusterd_placement_get_conversation_id(const clusterd_placement_t *placement);
/* The run whose clusters it is placed in. */
CLUSTERD_EXPORT const char *clusterd_placement_get_run_id(const clusterd_placement_t *placement);
/* True: placed between runs at the nearest base cluster; false: the run's own assignment. */
CLUSTERD_EXPORT bool clusterd_placement_is_provisional(const clusterd_placement_t *placement);
/* Cosine distance from the conversation to its base cluster's centroid. */
CLUSTERD_EXPORT double clusterd_placement_get_distance(const clusterd_placement_t *placement);
/* Unix epoch milliseconds of a provisional placement; 0 for a run's own assignment. */
CLUSTERD_EXPORT int64_t clusterd_placement_get_assigned_at_ms(const clusterd_placement_t *placement);
/* The path: the base cluster first, then each parent up to the top; index < count, else NULL. */
CLUSTERD_EXPORT size_t clusterd_placement_get_path_count(const clusterd_placement_t *placement);
CLUSTERD_EXPORT const clusterd_path_entry_t *clusterd_placement_get_path(const clusterd_placement_t *placement,
                                                                         size_t index);
/* Path entry fields ("" / 0 for a NULL entry); level 0 is a base cluster. */
CLUSTERD_EXPORT const char *clusterd_path_entry_get_stable_id(const clusterd_path_entry_t *entry);
CLUSTERD_EXPORT const char *clusterd_path_entry_get_name(const clusterd_path_entry_t *entry);
CLUSTERD_EXPORT uint32_t clusterd_path_entry_get_level(const clusterd_path_entry_t *entry);
CLUSTERD_EXPORT uint64_t clusterd_path_entry_get_size(const clusterd_path_entry_t *entry);

/* ---- clusters ---- */

/* The run the clusters belong to (never NULL for a list from clusterd_client_list_clusters). */
CLUSTERD_EXPORT const clusterd_run_t *clusterd_cluster_list_get_run(const clusterd_cluster_list_t *clusters);
/* Clusters, largest first. */
CLUSTERD_EXPORT size_t clusterd_cluster_list_get_count(const clusterd_cluster_list_t *clusters);
CLUSTERD_EXPORT const clusterd_cluster_t *clusterd_cluster_list_get(const clusterd_cluster_list_t *clusters,
                                                                    size_t index);

/* Identity across runs. */
CLUSTERD_EXPORT const char *clusterd_cluster_get_stable_id(const clusterd_cluster_t *cluster);
CLUSTERD_EXPORT const char *clusterd_cluster_get_name(const clusterd_cluster_t *cluster);
CLUSTERD_EXPORT const char *clusterd_cluster_get_description(const clusterd_cluster_t *cluster);
/* Conversations in the cluster. */
CLUSTERD_EXPORT uint64_t clusterd_cluster_get_size(const clusterd_cluster_t *cluster);
/* Most distinctive concepts, most distinctive first; index < count, else NULL. */
CLUSTERD_EXPORT size_t clusterd_cluster_get_top_concept_count(const clusterd_cluster_t *cluster);
CLUSTERD_EXPORT const char *clusterd_cluster_get_top_concept(const clusterd_cluster_t *cluster, size_t index);
/* Conversation ids closest to the cluster's centre; index < count, else NULL. */
CLUSTERD_EXPORT size_t clusterd_cluster_get_representative_count(const clusterd_cluster_t *cluster);
CLUSTERD_EXPORT const char *clusterd_cluster_get_representative(const clusterd_cluster_t *cluster, size_t index);
/* Hierarchy level: 0 for base clusters (conversations are assigned to these), 1 for their parents, up to the top. */
CLUSTERD_EXPORT unsigned clusterd_cluster_get_level(const clusterd_cluster_t *cluster);
/* Stable id of its parent at the next level; "" at the top level (and from servers before the hierarchy). */
CLUSTERD_EXPORT const char *clusterd_cluster_get_parent(const clusterd_cluster_t *cluster);

/* ---- curation ---- */

/* The change a curation call made (never NULL for a result from a clusterd_client_*_topic call). */
CLUSTERD_EXPORT const clusterd_curation_change_t *clusterd_curation_result_get_change(
    const clusterd_curation_result_t *result);
/* For humans: what changed now and what applies from the next run. */
CLUSTERD_EXPORT const char *clusterd_curation_result_get_message(const clusterd_curation_result_t *result);

/* Curated topics, by stable id; index < count, else NULL. */
CLUSTERD_EXPORT size_t clusterd_curation_log_get_topic_count(const clusterd_curation_log_t *log);
CLUSTERD_EXPORT const clusterd_topic_curation_t *clusterd_curation_log_get_topic(const clusterd_curation_log_t *log,
                                                                                 size_t index);
/* Logged changes, newest first; index < count, else NULL. */
CLUSTERD_EXPORT size_t clusterd_curation_log_get_change_count(const clusterd_curation_log_t *log);
CLUSTERD_EXPORT const clusterd_curation_change_t *clusterd_curation_log_get_change(const clusterd_curation_log_t *log,
                                                                                   size_t index);

/* Change fields ("" / 0 for a NULL change). action: "rename", "pin", "unpin" or "merge"; name and description:
 * what a rename or pin kept; into_stable_id: a merge's surviving topic; previous_name: the topic's name in the
 * latest successful run before the change; by: who ("token" or "local", with the client's name in brackets); at:
 * Unix epoch milliseconds. */
CLUSTERD_EXPORT const char *clusterd_curation_change_get_action(const clusterd_curation_change_t *change);
CLUSTERD_EXPORT const char *clusterd_curation_change_get_stable_id(const clusterd_curation_change_t *change);
CLUSTERD_EXPORT const char *clusterd_curation_change_get_name(const clusterd_curation_change_t *change);
CLUSTERD_EXPORT const char *clusterd_curation_change_get_description(const clusterd_curation_change_t *change);
CLUSTERD_EXPORT const char *clusterd_curation_change_get_into_stable_id(const clusterd_curation_change_t *change);
CLUSTERD_EXPORT const char *clusterd_curation_change_get_previous_name(const clusterd_curation_change_t *change);
CLUSTERD_EXPORT const char *clusterd_curation_change_get_by(const clusterd_curation_change_t *change);
CLUSTERD_EXPORT int64_t clusterd_curation_change_get_at_ms(const clusterd_curation_change_t *change);

/* Curated topic fields ("" / 0 for a NULL topic). name: the kept name ("" when the name is not curated);
 * merged_into: the topic it was merged into ("" when not merged); updated_by and updated_at_ms (Unix epoch
 * milliseconds): the latest change. */
CLUSTERD_EXPORT const char *clusterd_topic_curation_get_stable_id(const clusterd_topic_curation_t *topic);
CLUSTERD_EXPORT const char *clusterd_topic_curation_get_name(const clusterd_topic_curation_t *topic);
CLUSTERD_EXPORT const char *clusterd_topic_curation_get_description(const clusterd_topic_curation_t *topic);
CLUSTERD_EXPORT const char *clusterd_topic_curation_get_merged_into(const clusterd_topic_curation_t *topic);
CLUSTERD_EXPORT const char *clusterd_topic_curation_get_updated_by(const clusterd_topic_curation_t *topic);
CLUSTERD_EXPORT int64_t clusterd_topic_curation_get_updated_at_ms(const clusterd_topic_curation_t *topic);

/* ---- batch triggers ---- */

/* Results, one per requested id, in request order. */
CLUSTERD_EXPORT size_t clusterd_trigger_batch_get_count(const clusterd_trigger_batch_t *batch);
/* The outcome of item index when it was accepted; CLUSTERD_TRIGGER_OUTCOME_UNSPECIFIED when refused. */
CLUSTERD_EXPORT clusterd_trigger_outcome_t clusterd_trigger_batch_get_outcome(const clusterd_trigger_batch_t *batch,
                                                                              size_t index);
/* CLUSTERD_CODE_OK when item index was accepted; else why it was refused: INVALID_ARGUMENT (an empty
 * or over-1024-character id), RESOURCE_EXHAUSTED (queue full; the sweep analyses it later),
 * UNAVAILABLE (the server is stopping). */
CLUSTERD_EXPORT clusterd_code_t clusterd_trigger_batch_get_code(const clusterd_trigger_batch_t *batch, size_t index);
/* The server's message for a refused item; "" when accepted. */
CLUSTERD_EXPORT const char *clusterd_trigger_batch_get_message(const clusterd_trigger_batch_t *batch, size_t index);
/* Items accepted (code OK). */
CLUSTERD_EXPORT size_t clusterd_trigger_batch_get_accepted_count(const clusterd_trigger_batch_t *batch);
/* Messages waiting in the server's queue after the batch. */
CLUSTERD_EXPORT uint32_t clusterd_trigger_batch_get_queue_depth(const clusterd_trigger_batch_t *batch);

#ifdef __cplusplus
}
#endif

#endif /* CLUSTERD_CLUSTERD_H */
