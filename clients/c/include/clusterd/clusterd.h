/*
 * libclusterd — C client for clusterd, the background conversation-clustering service.
 *
 * clusterd speaks a length-prefixed protobuf RPC over TCP (proto/clusterd/v1/clusterd.proto):
 * every frame is a 4-byte big-endian length followed by one `clusterd.v1.Frame`.
 *
 * Conventions
 *  - Handles are opaque; each `_new` has a matching `_destroy`, and `_destroy(NULL)` is a no-op.
 *  - Every fallible call takes a nullable `clusterd_error_t *error`; on failure it is filled
 *    with a domain, a code and a human-readable message. On success it is left untouched.
 *  - Strings returned by accessors are owned by the object they come from, never NULL
 *    (empty when absent), and valid until that object is destroyed.
 *  - Thread safety is stated per function. In short: a client is not thread-safe (use one per
 *    thread, or serialise access yourself); distinct handles may be used from distinct threads;
 *    a status is immutable and may be read from several threads at once.
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
#define CLUSTERD_VERSION_MINOR 1
#define CLUSTERD_VERSION_PATCH 0
#define CLUSTERD_VERSION_STRING "0.1.0"

/* The wire protocol version this library speaks (Hello.protocol_version). */
#define CLUSTERD_PROTOCOL_VERSION 1

/* Default TCP port of clusterd. */
#define CLUSTERD_DEFAULT_PORT 7420

/* Timeout used when a caller passes timeout_ms <= 0. */
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
/* Client                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* One TCP connection to clusterd, plus what is needed to reconnect it.
 * NOT thread-safe: use one client per thread (or serialise all calls on a client). */
typedef struct clusterd_client clusterd_client_t;

/* Connects to host:port (resolved with getaddrinfo, which may block beyond the timeout),
 * within timeout_ms (<= 0: CLUSTERD_DEFAULT_TIMEOUT_MS), sends Hello (client name
 * "libclusterd/<version>", token when non-NULL) and waits for HelloReply.
 * The timeout also applies to each later call, from sending the request to receiving its reply.
 * Returns NULL on failure with error filled, e.g. IO/ECONNREFUSED
 * "cannot connect to 127.0.0.1:7420: Connection refused", or SERVER/UNAUTHENTICATED when the
 * token is wrong. host and token are copied. Caller owns the result (clusterd_client_destroy).
 * Thread-safe (creates an independent client). */
CLUSTERD_EXPORT clusterd_client_t *clusterd_client_new(const char *host, uint16_t port, const char *token,
                                                       int timeout_ms, clusterd_error_t *error);

/* Closes the connection and frees the client. NULL is a no-op. */
CLUSTERD_EXPORT void clusterd_client_destroy(clusterd_client_t *client);

/* Changes the per-call timeout (<= 0: CLUSTERD_DEFAULT_TIMEOUT_MS). Not thread-safe. */
CLUSTERD_EXPORT void clusterd_client_set_timeout(clusterd_client_t *client, int timeout_ms);

/* The server version from the last HelloReply ("" before one). Owned by the client; valid until
 * the next call on it. Not thread-safe. */
CLUSTERD_EXPORT const char *clusterd_client_get_server_version(const clusterd_client_t *client);

/* True while the client holds an open connection. After an I/O or protocol error the connection
 * is dropped and the next call reconnects (and says Hello again) before sending. A request is
 * never re-sent automatically. Not thread-safe. */
CLUSTERD_EXPORT bool clusterd_client_is_connected(const clusterd_client_t *client);

/* TriggerAnalysisReply.Outcome. */
typedef enum {
    CLUSTERD_TRIGGER_OUTCOME_UNSPECIFIED = 0,
    CLUSTERD_TRIGGER_OUTCOME_QUEUED = 1,         /* put on the analysis queue */
    CLUSTERD_TRIGGER_OUTCOME_ALREADY_QUEUED = 2, /* already waiting or being analysed */
    CLUSTERD_TRIGGER_OUTCOME_RECORDED = 3        /* background clustering disabled; counted */
} clusterd_trigger_outcome_t;

/* "QUEUED", "ALREADY_QUEUED", "RECORDED", "UNSPECIFIED" or "UNKNOWN". Static storage. */
CLUSTERD_EXPORT const char *clusterd_trigger_outcome_name(int outcome);

/* "A message was created": asks the server to analyse message_id in the background.
 * conversation_id may be NULL. Returns true once the server acknowledged; *outcome (nullable)
 * says how. A full queue is a SERVER/RESOURCE_EXHAUSTED error (the sweep still picks the
 * message up later); an empty id is SERVER/INVALID_ARGUMENT. Not thread-safe. */
CLUSTERD_EXPORT bool clusterd_client_trigger_analysis(clusterd_client_t *client, const char *message_id,
                                                      const char *conversation_id,
                                                      clusterd_trigger_outcome_t *outcome, clusterd_error_t *error);

/* Runs a clustering now. Returns true when the server accepted; *follow_up_queued (nullable)
 * is true when a run was already in progress and one follow-up run is queued instead.
 * Not thread-safe. */
CLUSTERD_EXPORT bool clusterd_client_force_clustering(clusterd_client_t *client, bool *follow_up_queued,
                                                      clusterd_error_t *error);

/* ------------------------------------------------------------------------------------------ */
/* Status                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* A snapshot of the server's status. Immutable: readable from several threads at once. */
typedef struct clusterd_status clusterd_status_t;

/* A clustering run summary, borrowed from a status (never freed by the caller). */
typedef struct clusterd_run clusterd_run_t;

/* Fetches the status. NULL on failure with error filled. Caller owns the result
 * (clusterd_status_destroy); it does not depend on the client. Not thread-safe (client). */
CLUSTERD_EXPORT clusterd_status_t *clusterd_client_get_status(clusterd_client_t *client, clusterd_error_t *error);

/* NULL is a no-op. Frees runs borrowed from it too. */
CLUSTERD_EXPORT void clusterd_status_destroy(clusterd_status_t *status);

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
/* "loading", "clustering", "naming", "writing"; "" when idle. */
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

/* The latest successful run; absent (false / NULL) when no run has succeeded yet. */
CLUSTERD_EXPORT bool clusterd_status_has_latest_run(const clusterd_status_t *status);
CLUSTERD_EXPORT const clusterd_run_t *clusterd_status_get_latest_run(const clusterd_status_t *status);
/* The latest run of any status (running, skipped, failed ...); NULL when none. */
CLUSTERD_EXPORT const clusterd_run_t *clusterd_status_get_last_run(const clusterd_status_t *status);

/* Run summary fields; run must not be NULL. Times are Unix epoch milliseconds. */
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

/* Convenience forms of the latest successful run's fields ("" / 0 when there is none). */
CLUSTERD_EXPORT const char *clusterd_status_get_latest_run_id(const clusterd_status_t *status);
CLUSTERD_EXPORT const char *clusterd_status_get_latest_run_status(const clusterd_status_t *status);
CLUSTERD_EXPORT uint64_t clusterd_status_get_latest_run_total_conversations(const clusterd_status_t *status);
CLUSTERD_EXPORT uint32_t clusterd_status_get_latest_run_clusters_created(const clusterd_status_t *status);

#ifdef __cplusplus
}
#endif

#endif /* CLUSTERD_CLUSTERD_H */
