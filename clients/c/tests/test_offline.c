/* Tests of the client against an in-process fake server (a thread speaking the same framing
 * through the generated protobuf-c code). Needs no clusterd. Covers: connection refused,
 * Hello and tokens, replies and error mapping, stale replies ignored by call_id, timeouts,
 * malformed and oversized replies, server-closed connections and automatic reconnect. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clusterd.pb-c.h"
#include "clusterd/clusterd.h"

static int passed;
static int failed;

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (cond) {                                                                                                    \
            passed++;                                                                                                  \
        } else {                                                                                                       \
            failed++;                                                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                                 \
        }                                                                                                              \
    } while (0)

#define CHECK_ERROR(err, dom, cod)                                                                                     \
    do {                                                                                                               \
        CHECK((err).domain == (dom) && (err).code == (cod));                                                           \
        if ((err).domain != (dom) || (err).code != (cod)) {                                                            \
            fprintf(stderr, "  got %s %d: %s\n", clusterd_error_domain_name((err).domain), (err).code,               \
                    (err).message);                                                                                    \
        }                                                                                                              \
    } while (0)

/* ---- fake server --------------------------------------------------------------------------- */

typedef struct {
    int listen_fd;
    uint16_t port;
    const char *token;   /* NULL: no Hello required */
    int silent_hello;    /* never answer Hello */
    atomic_int stop;
    atomic_int connections;
    int forces;
    char seen[16][64];
    int n_seen;
    pthread_t thread;
} fake_server_t;

static void send_raw(int fd, const void *data, size_t len) {
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0) {
            return;
        }
        p += n;
        len -= (size_t)n;
    }
}

static void send_frame(int fd, Clusterd__V1__Frame *frame) {
    size_t size = clusterd__v1__frame__get_packed_size(frame);
    uint8_t *buffer = malloc(4 + size);
    buffer[0] = (uint8_t)(size >> 24);
    buffer[1] = (uint8_t)(size >> 16);
    buffer[2] = (uint8_t)(size >> 8);
    buffer[3] = (uint8_t)size;
    clusterd__v1__frame__pack(frame, buffer + 4);
    send_raw(fd, buffer, 4 + size);
    free(buffer);
}

static void send_error(int fd, uint64_t call_id, Clusterd__V1__Code code, const char *message) {
    Clusterd__V1__Error error = CLUSTERD__V1__ERROR__INIT;
    error.code = code;
    error.message = (char *)message;
    Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
    frame.call_id = call_id;
    frame.body_case = CLUSTERD__V1__FRAME__BODY_ERROR;
    frame.error = &error;
    send_frame(fd, &frame);
}

static void send_trigger_reply(int fd, uint64_t call_id, Clusterd__V1__TriggerAnalysisReply__Outcome outcome) {
    Clusterd__V1__TriggerAnalysisReply body = CLUSTERD__V1__TRIGGER_ANALYSIS_REPLY__INIT;
    body.outcome = outcome;
    body.queue_depth = 1;
    Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
    frame.call_id = call_id;
    frame.body_case = CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_REPLY;
    frame.trigger_analysis_reply = &body;
    send_frame(fd, &frame);
}

static void send_status(int fd, uint64_t call_id) {
    Clusterd__V1__RunSummary run = CLUSTERD__V1__RUN_SUMMARY__INIT;
    run.id = (char *)"run-42";
    run.status = (char *)"completed";
    run.total_conversations = 1234;
    run.clusters_created = 17;
    run.created_at_ms = 1700000000000;
    Clusterd__V1__Configuration configuration = CLUSTERD__V1__CONFIGURATION__INIT;
    configuration.message_threshold = 50;
    configuration.analysis_workers = 4;
    char *degraded[] = {(char *)"llm", (char *)"embedder:fallback"};
    Clusterd__V1__Status status = CLUSTERD__V1__STATUS__INIT;
    status.enabled = 1;
    status.unprocessed_messages = 7;
    status.minutes_since_last_clustering = -1;
    status.should_trigger_clustering = 1;
    status.trigger_reason = (char *)"message threshold reached";
    status.configuration = &configuration;
    status.latest_clustering_run = &run;
    status.queue_depth = 3;
    status.queue_capacity = 1000;
    status.analyzed_total = 99;
    status.failed_total = 2;
    status.clustering_stage = (char *)"naming";
    status.clustering_progress = 0.5;
    status.n_degraded = 2;
    status.degraded = degraded;
    status.version = (char *)"fake-0.0";
    status.embedder = (char *)"hashing";
    Clusterd__V1__GetStatusReply body = CLUSTERD__V1__GET_STATUS_REPLY__INIT;
    body.status = &status;
    Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
    frame.call_id = call_id;
    frame.body_case = CLUSTERD__V1__FRAME__BODY_GET_STATUS_REPLY;
    frame.get_status_reply = &body;
    send_frame(fd, &frame);
}

/* Answers one request; returns 0 to go on, -1 to close the connection. */
static int handle(fake_server_t *server, int fd, Clusterd__V1__Frame *request, int *greeted) {
    uint64_t id = request->call_id;
    if (request->body_case == CLUSTERD__V1__FRAME__BODY_HELLO) {
        if (server->silent_hello) {
            return 0;
        }
        const char *token = request->hello->token;
        if (server->token != NULL && strcmp(token, server->token) != 0) {
            send_error(fd, id, CLUSTERD__V1__CODE__UNAUTHENTICATED, "wrong token");
            return -1;
        }
        *greeted = 1;
        Clusterd__V1__HelloReply body = CLUSTERD__V1__HELLO_REPLY__INIT;
        body.protocol_version = 1;
        body.server_version = (char *)"fake/1";
        body.max_frame_bytes = 1024 * 1024;
        Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
        frame.call_id = id;
        frame.body_case = CLUSTERD__V1__FRAME__BODY_HELLO_REPLY;
        frame.hello_reply = &body;
        send_frame(fd, &frame);
        return 0;
    }
    if (server->token != NULL && !*greeted) {
        send_error(fd, id, CLUSTERD__V1__CODE__UNAUTHENTICATED, "hello first");
        return -1;
    }
    switch (request->body_case) {
    case CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS: {
        const char *mid = request->trigger_analysis->message_id;
        if (mid[0] == '\0') {
            send_error(fd, id, CLUSTERD__V1__CODE__INVALID_ARGUMENT, "message_id is empty");
        } else if (strcmp(mid, "full") == 0) {
            send_error(fd, id, CLUSTERD__V1__CODE__RESOURCE_EXHAUSTED, "analysis queue is full");
        } else if (strcmp(mid, "close") == 0) {
            return -1;
        } else if (strcmp(mid, "slow") == 0) {
            /* never answered */
        } else if (strcmp(mid, "garbage") == 0) {
            const uint8_t junk[] = {0, 0, 0, 3, 0xff, 0xff, 0xff};
            send_raw(fd, junk, sizeof junk);
        } else if (strcmp(mid, "huge") == 0) {
            const uint8_t prefix[] = {0x00, 0x20, 0x00, 0x00}; /* 2 MiB announced */
            send_raw(fd, prefix, sizeof prefix);
        } else if (strcmp(mid, "stale") == 0) {
            /* A reply to some earlier call first, then a frame for call 0 that is no error,
             * then the real one: only the last may be taken. */
            send_trigger_reply(fd, id - 1, CLUSTERD__V1__TRIGGER_ANALYSIS_REPLY__OUTCOME__RECORDED);
            send_trigger_reply(fd, 0, CLUSTERD__V1__TRIGGER_ANALYSIS_REPLY__OUTCOME__RECORDED);
            send_trigger_reply(fd, id, CLUSTERD__V1__TRIGGER_ANALYSIS_REPLY__OUTCOME__QUEUED);
        } else if (strcmp(mid, "bye") == 0) {
            send_trigger_reply(fd, id, CLUSTERD__V1__TRIGGER_ANALYSIS_REPLY__OUTCOME__QUEUED);
            return -1;
        } else if (strcmp(mid, "conn-error") == 0) {
            send_error(fd, 0, CLUSTERD__V1__CODE__RESOURCE_EXHAUSTED, "frame too large");
            return -1;
        } else {
            int seen = 0;
            for (int i = 0; i < server->n_seen; i++) {
                seen |= strcmp(server->seen[i], mid) == 0;
            }
            if (!seen && server->n_seen < 16) {
                snprintf(server->seen[server->n_seen++], sizeof server->seen[0], "%s", mid);
            }
            send_trigger_reply(fd, id,
                               seen ? CLUSTERD__V1__TRIGGER_ANALYSIS_REPLY__OUTCOME__ALREADY_QUEUED
                                    : CLUSTERD__V1__TRIGGER_ANALYSIS_REPLY__OUTCOME__QUEUED);
        }
        return 0;
    }
    case CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING: {
        Clusterd__V1__ForceClusteringReply body = CLUSTERD__V1__FORCE_CLUSTERING_REPLY__INIT;
        body.started = server->forces == 0;
        body.follow_up_queued = server->forces > 0;
        server->forces++;
        Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
        frame.call_id = id;
        frame.body_case = CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING_REPLY;
        frame.force_clustering_reply = &body;
        send_frame(fd, &frame);
        return 0;
    }
    case CLUSTERD__V1__FRAME__BODY_GET_STATUS:
        send_status(fd, id);
        return 0;
    default:
        send_error(fd, id, CLUSTERD__V1__CODE__UNIMPLEMENTED, "unknown body");
        return 0;
    }
}

static void serve_connection(fake_server_t *server, int fd) {
    clusterd_reader_t *reader = clusterd_reader_new(0);
    int greeted = 0;
    uint8_t chunk[4096];
    for (;;) {
        const uint8_t *body;
        size_t len;
        int next = clusterd_reader_next(reader, &body, &len);
        if (next < 0) {
            break;
        }
        if (next > 0) {
            Clusterd__V1__Frame *request = clusterd__v1__frame__unpack(NULL, len, body);
            if (request == NULL) {
                break;
            }
            int rc = handle(server, fd, request, &greeted);
            clusterd__v1__frame__free_unpacked(request, NULL);
            if (rc < 0) {
                break;
            }
            continue;
        }
        ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            break;
        }
        clusterd_reader_feed(reader, chunk, (size_t)n);
    }
    clusterd_reader_destroy(reader);
    close(fd);
}

static void *serve(void *arg) {
    fake_server_t *server = arg;
    while (!atomic_load(&server->stop)) {
        struct pollfd pfd = {.fd = server->listen_fd, .events = POLLIN, .revents = 0};
        if (poll(&pfd, 1, 20) <= 0) {
            continue;
        }
        int fd = accept(server->listen_fd, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        atomic_fetch_add(&server->connections, 1);
        serve_connection(server, fd);
    }
    return NULL;
}

/* Listens on 127.0.0.1 at an ephemeral port. */
static int listen_ephemeral(uint16_t *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t addr_len = sizeof addr;
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 8) < 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &addr_len) < 0) {
        perror("fake server");
        exit(2);
    }
    *port = ntohs(addr.sin_port);
    return fd;
}

static void fake_start(fake_server_t *server, const char *token, int silent_hello) {
    memset(server, 0, sizeof *server);
    server->token = token;
    server->silent_hello = silent_hello;
    server->listen_fd = listen_ephemeral(&server->port);
    pthread_create(&server->thread, NULL, serve, server);
}

static void fake_stop(fake_server_t *server) {
    atomic_store(&server->stop, 1);
    pthread_join(server->thread, NULL);
    close(server->listen_fd);
}

/* ---- tests --------------------------------------------------------------------------------- */

static void test_connection_refused(void) {
    uint16_t port;
    int fd = listen_ephemeral(&port);
    close(fd); /* nothing listens there any more */
    clusterd_error_t error;
    memset(&error, 0, sizeof error);
    clusterd_client_t *client = clusterd_client_new("127.0.0.1", port, NULL, 1000, &error);
    CHECK(client == NULL);
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_IO, ECONNREFUSED);
    char expected[128];
    snprintf(expected, sizeof expected, "cannot connect to 127.0.0.1:%u: Connection refused", (unsigned)port);
    CHECK(strcmp(error.message, expected) == 0);
    /* A NULL error pointer is allowed everywhere. */
    CHECK(clusterd_client_new("127.0.0.1", port, NULL, 1000, NULL) == NULL);
}

static void test_misuse(void) {
    clusterd_error_t error;
    CHECK(clusterd_client_new(NULL, 1, NULL, 0, &error) == NULL);
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_trigger_analysis(NULL, "x", NULL, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_force_clustering(NULL, NULL, &error));
    CHECK(clusterd_client_get_status(NULL, &error) == NULL);
    clusterd_client_destroy(NULL);
    clusterd_status_destroy(NULL);
    CHECK(strcmp(clusterd_code_name(16), "UNAUTHENTICATED") == 0);
    CHECK(strcmp(clusterd_code_name(99), "UNKNOWN") == 0);
    CHECK(strcmp(clusterd_trigger_outcome_name(CLUSTERD_TRIGGER_OUTCOME_ALREADY_QUEUED), "ALREADY_QUEUED") == 0);
}

static void test_calls(void) {
    fake_server_t server;
    fake_start(&server, NULL, 0);
    clusterd_error_t error;
    memset(&error, 0, sizeof error);
    clusterd_client_t *client = clusterd_client_new("127.0.0.1", server.port, NULL, 2000, &error);
    CHECK(client != NULL);
    if (client == NULL) {
        fprintf(stderr, "  %s\n", error.message);
        fake_stop(&server);
        return;
    }
    CHECK(clusterd_client_is_connected(client));
    CHECK(strcmp(clusterd_client_get_server_version(client), "fake/1") == 0);

    clusterd_trigger_outcome_t outcome = CLUSTERD_TRIGGER_OUTCOME_UNSPECIFIED;
    CHECK(clusterd_client_trigger_analysis(client, "m1", "c1", &outcome, &error));
    CHECK(outcome == CLUSTERD_TRIGGER_OUTCOME_QUEUED);
    CHECK(clusterd_client_trigger_analysis(client, "m1", NULL, &outcome, &error));
    CHECK(outcome == CLUSTERD_TRIGGER_OUTCOME_ALREADY_QUEUED);
    CHECK(clusterd_client_trigger_analysis(client, "m2", NULL, NULL, NULL));

    /* Error replies map to SERVER with the wire code; the connection survives them. */
    CHECK(!clusterd_client_trigger_analysis(client, "", NULL, &outcome, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_INVALID_ARGUMENT);
    CHECK(strcmp(error.message, "message_id is empty") == 0);
    CHECK(!clusterd_client_trigger_analysis(client, "full", NULL, &outcome, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_RESOURCE_EXHAUSTED);
    CHECK(clusterd_client_is_connected(client));

    bool follow_up = true;
    CHECK(clusterd_client_force_clustering(client, &follow_up, &error));
    CHECK(!follow_up);
    CHECK(clusterd_client_force_clustering(client, &follow_up, &error));
    CHECK(follow_up);

    clusterd_status_t *status = clusterd_client_get_status(client, &error);
    CHECK(status != NULL);
    if (status != NULL) {
        CHECK(clusterd_status_get_enabled(status));
        CHECK(!clusterd_status_get_clustering_in_progress(status));
        CHECK(clusterd_status_get_unprocessed_messages(status) == 7);
        CHECK(clusterd_status_get_minutes_since_last_clustering(status) == -1);
        CHECK(clusterd_status_get_should_trigger_clustering(status));
        CHECK(strcmp(clusterd_status_get_trigger_reason(status), "message threshold reached") == 0);
        CHECK(clusterd_status_get_message_threshold(status) == 50);
        CHECK(clusterd_status_get_analysis_workers(status) == 4);
        CHECK(clusterd_status_get_queue_depth(status) == 3);
        CHECK(clusterd_status_get_queue_capacity(status) == 1000);
        CHECK(clusterd_status_get_analyzed_total(status) == 99);
        CHECK(clusterd_status_get_failed_total(status) == 2);
        CHECK(strcmp(clusterd_status_get_clustering_stage(status), "naming") == 0);
        CHECK(clusterd_status_get_clustering_progress(status) == 0.5);
        CHECK(clusterd_status_get_degraded_count(status) == 2);
        CHECK(strcmp(clusterd_status_get_degraded(status, 1), "embedder:fallback") == 0);
        CHECK(clusterd_status_get_degraded(status, 2) == NULL);
        CHECK(strcmp(clusterd_status_get_version(status), "fake-0.0") == 0);
        CHECK(strcmp(clusterd_status_get_embedder(status), "hashing") == 0);
        CHECK(strcmp(clusterd_status_get_last_error(status), "") == 0);
        CHECK(clusterd_status_has_latest_run(status));
        CHECK(strcmp(clusterd_status_get_latest_run_id(status), "run-42") == 0);
        CHECK(strcmp(clusterd_status_get_latest_run_status(status), "completed") == 0);
        CHECK(clusterd_status_get_latest_run_total_conversations(status) == 1234);
        CHECK(clusterd_status_get_latest_run_clusters_created(status) == 17);
        CHECK(clusterd_run_get_created_at_ms(clusterd_status_get_latest_run(status)) == 1700000000000);
        CHECK(clusterd_status_get_last_run(status) == NULL);
    }
    clusterd_status_destroy(status);

    /* Replies are matched by call_id: other frames are dropped. */
    CHECK(clusterd_client_trigger_analysis(client, "stale", NULL, &outcome, &error));
    CHECK(outcome == CLUSTERD_TRIGGER_OUTCOME_QUEUED);

    /* A timeout keeps the connection; the late reply (never, here) would be ignored. */
    clusterd_client_set_timeout(client, 150);
    CHECK(!clusterd_client_trigger_analysis(client, "slow", NULL, &outcome, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_IO, ETIMEDOUT);
    clusterd_client_set_timeout(client, 2000);
    CHECK(clusterd_client_is_connected(client));
    CHECK(clusterd_client_trigger_analysis(client, "m3", NULL, &outcome, &error));

    /* The server closes mid-call: IO/CLOSED, then the next call reconnects by itself. */
    int before = atomic_load(&server.connections);
    CHECK(!clusterd_client_trigger_analysis(client, "close", NULL, &outcome, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_IO, CLUSTERD_IO_CLOSED);
    CHECK(!clusterd_client_is_connected(client));
    CHECK(clusterd_client_trigger_analysis(client, "m4", NULL, &outcome, &error));
    CHECK(atomic_load(&server.connections) == before + 1);

    /* The server closes after replying: noticed before the next call, which reconnects. */
    CHECK(clusterd_client_trigger_analysis(client, "bye", NULL, &outcome, &error));
    usleep(50 * 1000);
    CHECK(clusterd_client_trigger_analysis(client, "m5", NULL, &outcome, &error));
    CHECK(atomic_load(&server.connections) == before + 2);

    /* A malformed reply is a PROTOCOL error and drops the connection. */
    CHECK(!clusterd_client_trigger_analysis(client, "garbage", NULL, &outcome, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_MALFORMED);
    CHECK(!clusterd_client_is_connected(client));

    /* An oversized reply is refused from its prefix. */
    CHECK(!clusterd_client_trigger_analysis(client, "huge", NULL, &outcome, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_FRAME_TOO_LARGE);

    /* A connection-level error (call_id 0) answers the pending call and drops the connection. */
    CHECK(!clusterd_client_trigger_analysis(client, "conn-error", NULL, &outcome, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_RESOURCE_EXHAUSTED);
    CHECK(!clusterd_client_is_connected(client));

    /* A request above the server's maximum is refused locally, before sending. */
    size_t big_len = 2 * 1024 * 1024;
    char *big = malloc(big_len + 1);
    memset(big, 'a', big_len);
    big[big_len] = '\0';
    CHECK(!clusterd_client_trigger_analysis(client, big, NULL, &outcome, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_FRAME_TOO_LARGE);
    free(big);
    CHECK(clusterd_client_trigger_analysis(client, "m6", NULL, &outcome, &error));

    clusterd_client_destroy(client);
    fake_stop(&server);
}

static void test_tokens(void) {
    fake_server_t server;
    fake_start(&server, "s3cret", 0);
    clusterd_error_t error;
    clusterd_client_t *client = clusterd_client_new("127.0.0.1", server.port, "wrong", 2000, &error);
    CHECK(client == NULL);
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_UNAUTHENTICATED);
    client = clusterd_client_new("127.0.0.1", server.port, NULL, 2000, &error);
    CHECK(client == NULL);
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_UNAUTHENTICATED);
    client = clusterd_client_new("localhost", server.port, "s3cret", 2000, &error);
    CHECK(client != NULL);
    bool follow_up;
    CHECK(client != NULL && clusterd_client_force_clustering(client, &follow_up, &error));
    clusterd_client_destroy(client);
    fake_stop(&server);
}

static void test_hello_timeout(void) {
    fake_server_t server;
    fake_start(&server, NULL, 1);
    clusterd_error_t error;
    clusterd_client_t *client = clusterd_client_new("127.0.0.1", server.port, NULL, 150, &error);
    CHECK(client == NULL);
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_IO, ETIMEDOUT);
    fake_stop(&server);
}

int main(void) {
    test_connection_refused();
    test_misuse();
    test_calls();
    test_tokens();
    test_hello_timeout();
    printf("test-offline: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
