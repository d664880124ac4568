/* Tests of the client against an in-process fake server (a thread speaking the same framing
 * through the generated protobuf-c code). Needs no clusterd. Covers: options and address
 * parsing, connection refused, lazy connect, Hello and tokens, every call and its reply handle,
 * error mapping, stale replies ignored by call_id, read and write timeouts, malformed and
 * oversized replies, server-closed connections and automatic reconnect, ForgetMessages,
 * GetConversationCluster, CurateTopic and ListCuration. */
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

#include "check.h"

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
    int stall;           /* after Hello, stop reading (and announce a 64 MiB maximum frame) */
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
    status.stale_analyses = 5;
    status.change_stream = (char *)"following";
    Clusterd__V1__ReplicaStatus replica = CLUSTERD__V1__REPLICA_STATUS__INIT;
    replica.id = (char *)"replica-2";
    replica.leader = (char *)"replica-1";
    replica.fencing_token = 4;
    replica.lease_age_seconds = 2.5;
    replica.live_claims = 32;
    status.replica = &replica;
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

/* Limit 7 pages the two runs one per reply (tokens "1", then none); limit 8 repeats its token forever. */
static void send_runs(int fd, uint64_t call_id, uint32_t limit, const char *token) {
    Clusterd__V1__RunSummary runs[2] = {CLUSTERD__V1__RUN_SUMMARY__INIT, CLUSTERD__V1__RUN_SUMMARY__INIT};
    runs[0].id = (char *)"run-2";
    runs[0].status = (char *)"failed";
    runs[0].error = (char *)"boom";
    runs[0].created_at_ms = 1700000060000;
    runs[1].id = (char *)"run-1";
    runs[1].status = (char *)"succeeded";
    runs[1].clusters_created = 3;
    runs[1].total_messages = 40;
    runs[1].finished_at_ms = 1700000001500;
    runs[1].duration_ms = 1500;
    Clusterd__V1__RunSummary *pointers[2] = {&runs[0], &runs[1]};
    Clusterd__V1__ListRunsReply body = CLUSTERD__V1__LIST_RUNS_REPLY__INIT;
    body.n_runs = limit == 1 ? 1 : 2;
    body.runs = pointers;
    if (limit == 7) {
        bool second = strcmp(token, "1") == 0;
        body.n_runs = 1;
        body.runs = pointers + (second ? 1 : 0);
        body.next_page_token = second ? (char *)"" : (char *)"1";
    } else if (limit == 8) {
        body.n_runs = 1;
        body.next_page_token = (char *)"again";
    }
    Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
    frame.call_id = call_id;
    frame.body_case = CLUSTERD__V1__FRAME__BODY_LIST_RUNS_REPLY;
    frame.list_runs_reply = &body;
    send_frame(fd, &frame);
}

static void send_clusters(int fd, uint64_t call_id, const char *run_id) {
    Clusterd__V1__RunSummary run = CLUSTERD__V1__RUN_SUMMARY__INIT;
    run.id = run_id[0] != '\0' ? (char *)run_id : (char *)"run-1";
    run.status = (char *)"succeeded";
    run.clusters_created = 2;
    char *concepts[] = {(char *)"refund", (char *)"order"};
    char *representatives[] = {(char *)"conv-1", (char *)"conv-2", (char *)"conv-3"};
    Clusterd__V1__ClusterInfo clusters[2] = {CLUSTERD__V1__CLUSTER_INFO__INIT, CLUSTERD__V1__CLUSTER_INFO__INIT};
    clusters[0].stable_id = (char *)"c-1";
    clusters[0].name = (char *)"refunds";
    clusters[0].description = (char *)"asking for money back";
    clusters[0].size = 12;
    clusters[0].n_top_concepts = 2;
    clusters[0].top_concepts = concepts;
    clusters[0].n_representative_conversation_ids = 3;
    clusters[0].representative_conversation_ids = representatives;
    clusters[1].stable_id = (char *)"c-2";
    clusters[1].size = 5;
    clusters[1].level = 1;
    clusters[0].parent = (char *)"c-2";
    Clusterd__V1__ClusterInfo *pointers[2] = {&clusters[0], &clusters[1]};
    Clusterd__V1__ListClustersReply body = CLUSTERD__V1__LIST_CLUSTERS_REPLY__INIT;
    body.run = &run;
    body.n_clusters = 2;
    body.clusters = pointers;
    Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
    frame.call_id = call_id;
    frame.body_case = CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS_REPLY;
    frame.list_clusters_reply = &body;
    send_frame(fd, &frame);
}

/* Per item: "" is INVALID_ARGUMENT, "full" RESOURCE_EXHAUSTED, a repeated id ALREADY_QUEUED, else QUEUED.
 * "short" as the first id makes the reply one result short. */
static void send_batch_reply(int fd, uint64_t call_id, const Clusterd__V1__TriggerAnalysisBatchRequest *request) {
    size_t n = request->n_items;
    Clusterd__V1__TriggerAnalysisBatchReply__Result *results = calloc(n, sizeof *results);
    Clusterd__V1__TriggerAnalysisBatchReply__Result **pointers = calloc(n, sizeof *pointers);
    for (size_t i = 0; i < n; i++) {
        clusterd__v1__trigger_analysis_batch_reply__result__init(&results[i]);
        const char *mid = request->items[i]->message_id;
        if (mid[0] == '\0') {
            results[i].error_code = CLUSTERD__V1__CODE__INVALID_ARGUMENT;
            results[i].error_message = (char *)"message_id is empty";
        } else if (strcmp(mid, "full") == 0) {
            results[i].error_code = CLUSTERD__V1__CODE__RESOURCE_EXHAUSTED;
            results[i].error_message = (char *)"analysis queue is full";
        } else {
            int repeated = 0;
            for (size_t j = 0; j < i; j++) {
                repeated |= strcmp(request->items[j]->message_id, mid) == 0;
            }
            results[i].outcome = repeated ? CLUSTERD__V1__TRIGGER_ANALYSIS_REPLY__OUTCOME__ALREADY_QUEUED
                                          : CLUSTERD__V1__TRIGGER_ANALYSIS_REPLY__OUTCOME__QUEUED;
        }
        pointers[i] = &results[i];
    }
    Clusterd__V1__TriggerAnalysisBatchReply body = CLUSTERD__V1__TRIGGER_ANALYSIS_BATCH_REPLY__INIT;
    body.n_results = n > 0 && strcmp(request->items[0]->message_id, "short") == 0 ? n - 1 : n;
    body.results = pointers;
    body.queue_depth = 7;
    Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
    frame.call_id = call_id;
    frame.body_case = CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_BATCH_REPLY;
    frame.trigger_analysis_batch_reply = &body;
    send_frame(fd, &frame);
    free(results);
    free(pointers);
}

/* Message ids: one analysis per id, an empty id INVALID_ARGUMENT; a conversation: 4 analyses,
 * 3 assignments, 2 cluster updates. */
static void send_forget_reply(int fd, uint64_t call_id, const Clusterd__V1__ForgetMessagesRequest *request) {
    for (size_t i = 0; i < request->n_message_ids; i++) {
        if (request->message_ids[i][0] == '\0') {
            send_error(fd, call_id, CLUSTERD__V1__CODE__INVALID_ARGUMENT, "message_ids[0]: message_id is empty");
            return;
        }
    }
    Clusterd__V1__ForgetMessagesReply body = CLUSTERD__V1__FORGET_MESSAGES_REPLY__INIT;
    int conversation = request->n_message_ids == 0 && strcmp(request->conversation_id, "conv") == 0;
    body.analyses_erased = conversation ? 4 : request->n_message_ids;
    body.assignments_erased = conversation ? 3 : 0;
    body.clusters_scrubbed = conversation ? 2 : 0;
    Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
    frame.call_id = call_id;
    frame.body_case = CLUSTERD__V1__FRAME__BODY_FORGET_MESSAGES_REPLY;
    frame.forget_messages_reply = &body;
    send_frame(fd, &frame);
}

/* "conv": provisional at a two-level path; "" INVALID_ARGUMENT; "empty": a reply frame without its
 * body; anything else NOT_FOUND. */
static void send_placement(int fd, uint64_t call_id, const char *conversation_id) {
    if (conversation_id[0] == '\0') {
        send_error(fd, call_id, CLUSTERD__V1__CODE__INVALID_ARGUMENT, "conversation_id is empty");
        return;
    }
    Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
    frame.call_id = call_id;
    frame.body_case = CLUSTERD__V1__FRAME__BODY_GET_CONVERSATION_CLUSTER_REPLY;
    if (strcmp(conversation_id, "empty") == 0) {
        send_frame(fd, &frame);
        return;
    }
    if (strcmp(conversation_id, "conv") != 0) {
        send_error(fd, call_id, CLUSTERD__V1__CODE__NOT_FOUND, "conversation has no cluster");
        return;
    }
    Clusterd__V1__ClusterPathEntry base = CLUSTERD__V1__CLUSTER_PATH_ENTRY__INIT;
    base.stable_id = (char *)"c-base";
    base.name = (char *)"Refunds";
    base.size = 12;
    Clusterd__V1__ClusterPathEntry top = CLUSTERD__V1__CLUSTER_PATH_ENTRY__INIT;
    top.stable_id = (char *)"c-top";
    top.name = (char *)"Billing";
    top.level = 1;
    top.size = 40;
    Clusterd__V1__ClusterPathEntry *path[] = {&base, &top};
    Clusterd__V1__GetConversationClusterReply body = CLUSTERD__V1__GET_CONVERSATION_CLUSTER_REPLY__INIT;
    body.conversation_id = (char *)conversation_id;
    body.run_id = (char *)"run-1";
    body.provisional = 1;
    body.distance = 0.25;
    body.assigned_at_ms = 1700000000123;
    body.n_path = 2;
    body.path = path;
    frame.get_conversation_cluster_reply = &body;
    send_frame(fd, &frame);
}

/* CurateTopic: the request echoed as the logged change (previous name "Refunds", by "local (fake)"), message
 * "<action> done"; stable id "" INVALID_ARGUMENT, "missing" NOT_FOUND, "empty" a reply without its change. */
static void send_curation(int fd, uint64_t call_id, const Clusterd__V1__CurateTopicRequest *request) {
    if (request->stable_id[0] == '\0') {
        send_error(fd, call_id, CLUSTERD__V1__CODE__INVALID_ARGUMENT, "stable_id is empty");
        return;
    }
    if (strcmp(request->stable_id, "missing") == 0) {
        send_error(fd, call_id, CLUSTERD__V1__CODE__NOT_FOUND, "no topic with stable id missing");
        return;
    }
    Clusterd__V1__CurationChange change = CLUSTERD__V1__CURATION_CHANGE__INIT;
    change.action = request->action;
    change.stable_id = request->stable_id;
    change.name = request->name;
    change.description = request->description;
    change.into_stable_id = request->into_stable_id;
    change.previous_name = (char *)"Refunds";
    change.by = (char *)"local (fake)";
    change.at_ms = 1700000000123;
    char message[64];
    snprintf(message, sizeof message, "%s done", request->action);
    Clusterd__V1__CurateTopicReply body = CLUSTERD__V1__CURATE_TOPIC_REPLY__INIT;
    body.change = strcmp(request->stable_id, "empty") == 0 ? NULL : &change;
    body.message = message;
    Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
    frame.call_id = call_id;
    frame.body_case = CLUSTERD__V1__FRAME__BODY_CURATE_TOPIC_REPLY;
    frame.curate_topic_reply = &body;
    send_frame(fd, &frame);
}

/* ListCuration: one topic (the asked-for id, else "c-2") merged into "c-1", and min(limit, 2) changes (limit 0:
 * 2), the newest a merge. */
static void send_curation_log(int fd, uint64_t call_id, const Clusterd__V1__ListCurationRequest *request) {
    Clusterd__V1__TopicCuration topic = CLUSTERD__V1__TOPIC_CURATION__INIT;
    topic.stable_id = request->stable_id[0] != '\0' ? request->stable_id : (char *)"c-2";
    topic.merged_into = (char *)"c-1";
    topic.updated_by = (char *)"token (py)";
    topic.updated_at_ms = 1700000000456;
    Clusterd__V1__TopicCuration *topics[] = {&topic};
    Clusterd__V1__CurationChange merge = CLUSTERD__V1__CURATION_CHANGE__INIT;
    merge.action = (char *)"merge";
    merge.stable_id = topic.stable_id;
    merge.into_stable_id = (char *)"c-1";
    merge.by = (char *)"token (py)";
    merge.at_ms = 1700000000456;
    Clusterd__V1__CurationChange rename = CLUSTERD__V1__CURATION_CHANGE__INIT;
    rename.action = (char *)"rename";
    rename.stable_id = (char *)"c-1";
    rename.name = (char *)"Money back";
    rename.by = (char *)"local";
    rename.at_ms = 1700000000123;
    Clusterd__V1__CurationChange *changes[] = {&merge, &rename};
    Clusterd__V1__ListCurationReply body = CLUSTERD__V1__LIST_CURATION_REPLY__INIT;
    body.n_topics = 1;
    body.topics = topics;
    body.n_changes = request->limit == 1 ? 1 : 2;
    body.changes = changes;
    Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
    frame.call_id = call_id;
    frame.body_case = CLUSTERD__V1__FRAME__BODY_LIST_CURATION_REPLY;
    frame.list_curation_reply = &body;
    send_frame(fd, &frame);
}

/* Answers one request; returns 0 to go on, -1 to close the connection, 1 to stop reading (and
 * keep the connection open until the server stops). */
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
        body.max_frame_bytes = server->stall ? 64u * 1024 * 1024 : 1024 * 1024;
        Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
        frame.call_id = id;
        frame.body_case = CLUSTERD__V1__FRAME__BODY_HELLO_REPLY;
        frame.hello_reply = &body;
        send_frame(fd, &frame);
        return server->stall ? 1 : 0;
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
    case CLUSTERD__V1__FRAME__BODY_LIST_RUNS:
        send_runs(fd, id, request->list_runs->limit, request->list_runs->page_token);
        return 0;
    case CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS:
        if (strcmp(request->list_clusters->run_id, "missing") == 0) {
            send_error(fd, id, CLUSTERD__V1__CODE__NOT_FOUND, "no clustering run with id missing");
        } else if (strcmp(request->list_clusters->run_id, "norun") == 0) {
            Clusterd__V1__ListClustersReply body = CLUSTERD__V1__LIST_CLUSTERS_REPLY__INIT;
            Clusterd__V1__Frame frame = CLUSTERD__V1__FRAME__INIT;
            frame.call_id = id;
            frame.body_case = CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS_REPLY;
            frame.list_clusters_reply = &body;
            send_frame(fd, &frame);
        } else {
            send_clusters(fd, id, request->list_clusters->run_id);
        }
        return 0;
    case CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_BATCH:
        send_batch_reply(fd, id, request->trigger_analysis_batch);
        return 0;
    case CLUSTERD__V1__FRAME__BODY_FORGET_MESSAGES:
        send_forget_reply(fd, id, request->forget_messages);
        return 0;
    case CLUSTERD__V1__FRAME__BODY_GET_CONVERSATION_CLUSTER:
        send_placement(fd, id, request->get_conversation_cluster->conversation_id);
        return 0;
    case CLUSTERD__V1__FRAME__BODY_CURATE_TOPIC:
        send_curation(fd, id, request->curate_topic);
        return 0;
    case CLUSTERD__V1__FRAME__BODY_LIST_CURATION:
        send_curation_log(fd, id, request->list_curation);
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
            if (rc > 0) {
                while (!atomic_load(&server->stop)) {
                    usleep(10 * 1000);
                }
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
    server->silent_hello = silent_hello == 1;
    server->stall = silent_hello == 2;
    server->listen_fd = listen_ephemeral(&server->port);
    pthread_create(&server->thread, NULL, serve, server);
}

static void fake_stop(fake_server_t *server) {
    atomic_store(&server->stop, 1);
    pthread_join(server->thread, NULL);
    close(server->listen_fd);
}

/* ---- tests --------------------------------------------------------------------------------- */

/* A client for 127.0.0.1:port with token (may be NULL) and every timeout timeout_ms. */
static clusterd_client_t *connect_to(const char *host, uint16_t port, const char *token, int timeout_ms,
                                     clusterd_error_t *error) {
    clusterd_options_t *options = clusterd_options_new();
    clusterd_options_set_host(options, host, NULL);
    clusterd_options_set_port(options, port);
    clusterd_options_set_token(options, token, NULL);
    clusterd_options_set_timeout_ms(options, timeout_ms);
    clusterd_client_t *client = clusterd_client_new(options, error);
    clusterd_options_destroy(options);
    return client;
}

static void test_options(void) {
    clusterd_error_t error;
    clusterd_options_t *options = clusterd_options_new();
    CHECK(options != NULL);
    CHECK(clusterd_options_set_address(options, "example.org:7999", &error));
    CHECK(clusterd_options_set_address(options, "[::1]:8000", &error));
    CHECK(clusterd_options_set_address(options, "[::1]", &error));
    CHECK(clusterd_options_set_address(options, "::1", &error));
    CHECK(clusterd_options_set_address(options, "localhost", &error));
    CHECK(clusterd_options_set_address(options, ":7420", &error));
    const char *bad[] = {"", "host:", "host:0", "host:65536", "host:12x", "[::1", "[::1]x", "[]:80", "host:-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&error, 0, sizeof error);
        CHECK(!clusterd_options_set_address(options, bad[i], &error));
        CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    }
    CHECK(!clusterd_options_set_address(options, NULL, &error));
    CHECK(!clusterd_options_set_host(options, "", &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_options_set_address(NULL, "x:1", &error));
    CHECK(!clusterd_options_set_token(NULL, "x", NULL));
    CHECK(clusterd_options_set_token(options, "secret", &error));
    CHECK(clusterd_options_set_token(options, NULL, &error));
    CHECK(clusterd_options_set_client_name(options, "test", &error));
    clusterd_options_set_port(NULL, 1);
    clusterd_options_set_timeout_ms(NULL, 1);
    clusterd_options_set_lazy_connect(NULL, true);
    clusterd_options_destroy(options);
    clusterd_options_destroy(NULL);
    CHECK(clusterd_version_number() == CLUSTERD_VERSION_NUMBER);
    CHECK(strcmp(clusterd_version(), CLUSTERD_VERSION_STRING) == 0);
}

static void test_connection_refused(void) {
    uint16_t port;
    int fd = listen_ephemeral(&port);
    close(fd); /* nothing listens there any more */
    clusterd_error_t error;
    memset(&error, 0, sizeof error);
    clusterd_client_t *client = connect_to("127.0.0.1", port, NULL, 1000, &error);
    CHECK(client == NULL);
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_IO, ECONNREFUSED);
    char expected[128];
    snprintf(expected, sizeof expected, "cannot connect to 127.0.0.1:%u: Connection refused", (unsigned)port);
    CHECK(strcmp(error.message, expected) == 0);
    /* A NULL error pointer is allowed everywhere. */
    CHECK(connect_to("127.0.0.1", port, NULL, 1000, NULL) == NULL);

    /* A lazy client is created without a server; its calls fail until one listens there. */
    clusterd_options_t *options = clusterd_options_new();
    clusterd_options_set_port(options, port);
    clusterd_options_set_lazy_connect(options, true);
    client = clusterd_client_new(options, &error);
    clusterd_options_destroy(options);
    CHECK(client != NULL);
    CHECK(!clusterd_client_is_connected(client));
    CHECK(strcmp(clusterd_client_get_server_version(client), "") == 0);
    CHECK(!clusterd_client_connect(client, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_IO, ECONNREFUSED);
    CHECK(!clusterd_client_force_clustering(client, NULL, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_IO, ECONNREFUSED);
    clusterd_client_destroy(client);

}

static void test_misuse(void) {
    clusterd_error_t error;
    CHECK(!clusterd_client_trigger_analysis(NULL, "x", NULL, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_force_clustering(NULL, NULL, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    clusterd_status_t *status = NULL;
    CHECK(!clusterd_client_get_status(NULL, &status, &error));
    CHECK(status == NULL);
    clusterd_run_list_t *runs = NULL;
    CHECK(!clusterd_client_list_runs(NULL, 0, &runs, &error));
    clusterd_cluster_list_t *clusters = NULL;
    CHECK(!clusterd_client_list_clusters(NULL, NULL, &clusters, &error));
    clusterd_trigger_batch_t *batch = NULL;
    const char *ids[] = {"a"};
    CHECK(!clusterd_client_trigger_analysis_batch(NULL, ids, NULL, 1, &batch, &error));
    CHECK(!clusterd_client_connect(NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_is_connected(NULL));
    CHECK(clusterd_client_get_server_max_frame(NULL) == 0);
    clusterd_client_destroy(NULL);
    clusterd_status_destroy(NULL);
    clusterd_run_list_destroy(NULL);
    clusterd_cluster_list_destroy(NULL);
    clusterd_trigger_batch_destroy(NULL);
    /* Accessors of a NULL handle give empty values rather than crash. */
    CHECK(clusterd_run_list_get_count(NULL) == 0 && clusterd_run_list_get(NULL, 0) == NULL);
    CHECK(clusterd_cluster_list_get_count(NULL) == 0 && clusterd_cluster_list_get_run(NULL) == NULL);
    CHECK(strcmp(clusterd_cluster_get_name(NULL), "") == 0 && clusterd_cluster_get_top_concept(NULL, 0) == NULL);
    CHECK(clusterd_trigger_batch_get_count(NULL) == 0 && clusterd_trigger_batch_get_message(NULL, 0) == NULL);
    CHECK(strcmp(clusterd_run_get_id(NULL), "") == 0 && strcmp(clusterd_status_get_version(NULL), "") == 0);
    CHECK(strcmp(clusterd_code_name(16), "UNAUTHENTICATED") == 0);
    CHECK(strcmp(clusterd_code_name(99), "UNKNOWN") == 0);
    CHECK(strcmp(clusterd_error_domain_name(CLUSTERD_ERROR_DOMAIN_PROTOCOL), "protocol") == 0);
    CHECK(strcmp(clusterd_trigger_outcome_name(CLUSTERD_TRIGGER_OUTCOME_ALREADY_QUEUED), "ALREADY_QUEUED") == 0);
}

static void test_calls(void) {
    fake_server_t server;
    fake_start(&server, NULL, 0);
    clusterd_error_t error;
    memset(&error, 0, sizeof error);
    clusterd_client_t *client = connect_to("127.0.0.1", server.port, NULL, 2000, &error);
    CHECK(client != NULL);
    if (client == NULL) {
        fprintf(stderr, "  %s\n", error.message);
        fake_stop(&server);
        return;
    }
    CHECK(clusterd_client_is_connected(client));
    CHECK(clusterd_client_connect(client, &error)); /* already connected: a no-op */
    CHECK(atomic_load(&server.connections) == 1);
    CHECK(strcmp(clusterd_client_get_server_version(client), "fake/1") == 0);
    CHECK(clusterd_client_get_server_max_frame(client) == 1024 * 1024);

    clusterd_trigger_outcome_t outcome = CLUSTERD_TRIGGER_OUTCOME_UNSPECIFIED;
    CHECK(clusterd_client_trigger_analysis(client, "m1", "c1", &outcome, &error));
    CHECK(outcome == CLUSTERD_TRIGGER_OUTCOME_QUEUED);
    CHECK(clusterd_client_trigger_analysis(client, "m1", NULL, &outcome, &error));
    CHECK(outcome == CLUSTERD_TRIGGER_OUTCOME_ALREADY_QUEUED);
    CHECK(clusterd_client_trigger_analysis(client, "m2", NULL, NULL, NULL));
    CHECK(!clusterd_client_trigger_analysis(client, NULL, NULL, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);

    /* Error replies map to SERVER with the wire code; the connection survives them. */
    CHECK(!clusterd_client_trigger_analysis(client, "", NULL, &outcome, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_INVALID_ARGUMENT);
    CHECK(strcmp(error.message, "message_id is empty") == 0);
    CHECK(!clusterd_client_trigger_analysis(client, "full", NULL, &outcome, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_RESOURCE_EXHAUSTED);
    CHECK(clusterd_client_is_connected(client));

    bool started = false;
    bool follow_up = true;
    CHECK(clusterd_client_force_clustering(client, &started, &follow_up, &error));
    CHECK(started && !follow_up);
    CHECK(clusterd_client_force_clustering(client, &started, &follow_up, &error));
    CHECK(!started && follow_up);

    clusterd_status_t *status = NULL;
    CHECK(clusterd_client_get_status(client, &status, &error));
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
        CHECK(clusterd_status_get_stale_analyses(status) == 5);
        CHECK(strcmp(clusterd_status_get_change_stream(status), "following") == 0);
        CHECK(strcmp(clusterd_status_get_replica_id(status), "replica-2") == 0);
        CHECK(strcmp(clusterd_status_get_replica_leader(status), "replica-1") == 0);
        CHECK(!clusterd_status_get_replica_is_leader(status));
        CHECK(clusterd_status_get_replica_fencing_token(status) == 4);
        CHECK(clusterd_status_get_replica_lease_age_seconds(status) == 2.5);
        CHECK(clusterd_status_get_replica_live_claims(status) == 32);
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
    CHECK(!clusterd_client_get_status(client, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);

    /* ListRuns: a handle of runs, newest first; the limit reaches the server. */
    clusterd_run_list_t *runs = NULL;
    CHECK(clusterd_client_list_runs(client, 0, &runs, &error));
    CHECK(clusterd_run_list_get_count(runs) == 2);
    const clusterd_run_t *run = clusterd_run_list_get(runs, 0);
    CHECK(strcmp(clusterd_run_get_id(run), "run-2") == 0 && strcmp(clusterd_run_get_status(run), "failed") == 0);
    CHECK(strcmp(clusterd_run_get_error(run), "boom") == 0);
    CHECK(clusterd_run_get_created_at_ms(run) == 1700000060000 && clusterd_run_get_finished_at_ms(run) == 0);
    run = clusterd_run_list_get(runs, 1);
    CHECK(clusterd_run_get_clusters_created(run) == 3 && clusterd_run_get_total_messages(run) == 40);
    CHECK(clusterd_run_get_duration_ms(run) == 1500 && clusterd_run_get_finished_at_ms(run) == 1700000001500);
    CHECK(clusterd_run_list_get(runs, 2) == NULL);
    clusterd_run_list_destroy(runs);
    runs = NULL;
    CHECK(clusterd_client_list_runs(client, 1, &runs, &error));
    CHECK(clusterd_run_list_get_count(runs) == 1);
    clusterd_run_list_destroy(runs);
    /* Paged: two replies of one run each, gathered into one list; a server repeating its token is refused. */
    runs = NULL;
    CHECK(clusterd_client_list_runs(client, 7, &runs, &error));
    CHECK(clusterd_run_list_get_count(runs) == 2);
    CHECK(strcmp(clusterd_run_get_id(clusterd_run_list_get(runs, 0)), "run-2") == 0);
    CHECK(strcmp(clusterd_run_get_id(clusterd_run_list_get(runs, 1)), "run-1") == 0);
    clusterd_run_list_destroy(runs);
    runs = NULL;
    CHECK(!clusterd_client_list_runs(client, 8, &runs, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_UNEXPECTED_REPLY);
    CHECK(runs == NULL);

    /* ListClusters: the run and its clusters; NOT_FOUND maps; a reply without a run is refused. */
    clusterd_cluster_list_t *clusters = NULL;
    CHECK(clusterd_client_list_clusters(client, NULL, &clusters, &error));
    CHECK(strcmp(clusterd_run_get_id(clusterd_cluster_list_get_run(clusters)), "run-1") == 0);
    CHECK(clusterd_cluster_list_get_count(clusters) == 2);
    const clusterd_cluster_t *cluster = clusterd_cluster_list_get(clusters, 0);
    CHECK(strcmp(clusterd_cluster_get_stable_id(cluster), "c-1") == 0);
    CHECK(strcmp(clusterd_cluster_get_name(cluster), "refunds") == 0);
    CHECK(strcmp(clusterd_cluster_get_description(cluster), "asking for money back") == 0);
    CHECK(clusterd_cluster_get_size(cluster) == 12);
    CHECK(clusterd_cluster_get_top_concept_count(cluster) == 2);
    CHECK(strcmp(clusterd_cluster_get_top_concept(cluster, 1), "order") == 0);
    CHECK(clusterd_cluster_get_top_concept(cluster, 2) == NULL);
    CHECK(clusterd_cluster_get_representative_count(cluster) == 3);
    CHECK(strcmp(clusterd_cluster_get_representative(cluster, 2), "conv-3") == 0);
    CHECK(clusterd_cluster_get_level(cluster) == 0 && strcmp(clusterd_cluster_get_parent(cluster), "c-2") == 0);
    cluster = clusterd_cluster_list_get(clusters, 1);
    CHECK(strcmp(clusterd_cluster_get_name(cluster), "") == 0 && clusterd_cluster_get_top_concept_count(cluster) == 0);
    CHECK(clusterd_cluster_get_level(cluster) == 1 && strcmp(clusterd_cluster_get_parent(cluster), "") == 0);
    CHECK(clusterd_cluster_list_get(clusters, 2) == NULL);
    clusterd_cluster_list_destroy(clusters);
    clusters = NULL;
    CHECK(clusterd_client_list_clusters(client, "run-9", &clusters, &error));
    CHECK(strcmp(clusterd_run_get_id(clusterd_cluster_list_get_run(clusters)), "run-9") == 0);
    clusterd_cluster_list_destroy(clusters);
    clusters = NULL;
    CHECK(!clusterd_client_list_clusters(client, "missing", &clusters, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_NOT_FOUND);
    CHECK(clusters == NULL);
    CHECK(!clusterd_client_list_clusters(client, "norun", &clusters, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_UNEXPECTED_REPLY);

    /* TriggerAnalysisBatch: one result per id, in order. */
    const char *ids[] = {"b1", "", "full", "b1", "b2"};
    const char *conversations[] = {"c1", NULL, NULL, NULL, "c2"};
    clusterd_trigger_batch_t *batch = NULL;
    CHECK(clusterd_client_trigger_analysis_batch(client, ids, conversations, 5, &batch, &error));
    CHECK(clusterd_trigger_batch_get_count(batch) == 5);
    CHECK(clusterd_trigger_batch_get_accepted_count(batch) == 3);
    CHECK(clusterd_trigger_batch_get_queue_depth(batch) == 7);
    CHECK(clusterd_trigger_batch_get_outcome(batch, 0) == CLUSTERD_TRIGGER_OUTCOME_QUEUED);
    CHECK(clusterd_trigger_batch_get_code(batch, 0) == CLUSTERD_CODE_OK);
    CHECK(strcmp(clusterd_trigger_batch_get_message(batch, 0), "") == 0);
    CHECK(clusterd_trigger_batch_get_code(batch, 1) == CLUSTERD_CODE_INVALID_ARGUMENT);
    CHECK(clusterd_trigger_batch_get_outcome(batch, 1) == CLUSTERD_TRIGGER_OUTCOME_UNSPECIFIED);
    CHECK(clusterd_trigger_batch_get_code(batch, 2) == CLUSTERD_CODE_RESOURCE_EXHAUSTED);
    CHECK(strcmp(clusterd_trigger_batch_get_message(batch, 2), "analysis queue is full") == 0);
    CHECK(clusterd_trigger_batch_get_outcome(batch, 3) == CLUSTERD_TRIGGER_OUTCOME_ALREADY_QUEUED);
    CHECK(clusterd_trigger_batch_get_outcome(batch, 4) == CLUSTERD_TRIGGER_OUTCOME_QUEUED);
    CHECK(clusterd_trigger_batch_get_message(batch, 5) == NULL);
    clusterd_trigger_batch_destroy(batch);
    batch = NULL;
    /* Refused locally: no ids, too many ids, a NULL id, no result pointer. */
    CHECK(!clusterd_client_trigger_analysis_batch(client, ids, NULL, 0, &batch, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_trigger_analysis_batch(client, ids, NULL, CLUSTERD_MAX_BATCH + 1, &batch, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    const char *with_null[] = {"x", NULL};
    CHECK(!clusterd_client_trigger_analysis_batch(client, with_null, NULL, 2, &batch, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_trigger_analysis_batch(client, ids, NULL, 1, NULL, &error));
    CHECK(batch == NULL);
    /* A reply with the wrong number of results is a protocol error. */
    const char *short_ids[] = {"short", "x"};
    CHECK(!clusterd_client_trigger_analysis_batch(client, short_ids, NULL, 2, &batch, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_UNEXPECTED_REPLY);
    CHECK(batch == NULL);

    /* Replies are matched by call_id: other frames are dropped. */
    CHECK(clusterd_client_trigger_analysis(client, "stale", NULL, &outcome, &error));
    CHECK(outcome == CLUSTERD_TRIGGER_OUTCOME_QUEUED);

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

    /* A request above the server's maximum is refused locally, before sending; the connection stays. */
    CHECK(clusterd_client_connect(client, &error));
    int connections = atomic_load(&server.connections);
    size_t big_len = 2 * 1024 * 1024;
    char *big = malloc(big_len + 1);
    memset(big, 'a', big_len);
    big[big_len] = '\0';
    CHECK(!clusterd_client_trigger_analysis(client, big, NULL, &outcome, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_FRAME_TOO_LARGE);
    free(big);
    CHECK(clusterd_client_is_connected(client));
    CHECK(clusterd_client_trigger_analysis(client, "m6", NULL, &outcome, &error));
    CHECK(atomic_load(&server.connections) == connections);

    clusterd_client_destroy(client);
    fake_stop(&server);
}

/* A read timeout keeps the connection; the next call on it works. */
static void test_read_timeout(void) {
    fake_server_t server;
    fake_start(&server, NULL, 0);
    clusterd_error_t error;
    clusterd_options_t *options = clusterd_options_new();
    clusterd_options_set_port(options, server.port);
    clusterd_options_set_read_timeout_ms(options, 150);
    clusterd_client_t *client = clusterd_client_new(options, &error);
    clusterd_options_destroy(options);
    CHECK(client != NULL);
    clusterd_trigger_outcome_t outcome;
    CHECK(!clusterd_client_trigger_analysis(client, "slow", NULL, &outcome, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_IO, ETIMEDOUT);
    CHECK(strstr(error.message, "timed out after 150 ms waiting for a reply") != NULL);
    CHECK(clusterd_client_is_connected(client));
    CHECK(clusterd_client_trigger_analysis(client, "m3", NULL, &outcome, &error));
    CHECK(atomic_load(&server.connections) == 1);
    clusterd_client_destroy(client);
    fake_stop(&server);
}

/* A server that stops reading: a request too big for the socket buffers hits the write timeout,
 * which drops the connection (part of the frame may have been sent). */
static void test_write_timeout(void) {
    fake_server_t server;
    fake_start(&server, NULL, 2);
    clusterd_error_t error;
    clusterd_options_t *options = clusterd_options_new();
    clusterd_options_set_port(options, server.port);
    clusterd_options_set_write_timeout_ms(options, 200);
    clusterd_client_t *client = clusterd_client_new(options, &error);
    clusterd_options_destroy(options);
    CHECK(client != NULL);
    CHECK(clusterd_client_get_server_max_frame(client) == 64u * 1024 * 1024);
    size_t big_len = 48u * 1024 * 1024;
    char *big = malloc(big_len + 1);
    memset(big, 'w', big_len);
    big[big_len] = '\0';
    CHECK(!clusterd_client_trigger_analysis(client, big, NULL, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_IO, ETIMEDOUT);
    CHECK(strstr(error.message, "timed out after 200 ms writing to") != NULL);
    CHECK(!clusterd_client_is_connected(client));
    free(big);
    clusterd_client_destroy(client);
    fake_stop(&server);
}

static void test_tokens(void) {
    fake_server_t server;
    fake_start(&server, "s3cret", 0);
    clusterd_error_t error;
    clusterd_client_t *client = connect_to("127.0.0.1", server.port, "wrong", 2000, &error);
    CHECK(client == NULL);
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_UNAUTHENTICATED);
    client = connect_to("127.0.0.1", server.port, NULL, 2000, &error);
    CHECK(client == NULL);
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_UNAUTHENTICATED);
    client = connect_to("localhost", server.port, "s3cret", 2000, &error);
    CHECK(client != NULL);
    CHECK(client != NULL && clusterd_client_force_clustering(client, NULL, NULL, &error));
    clusterd_client_destroy(client);
    fake_stop(&server);
}

static void test_hello_timeout(void) {
    fake_server_t server;
    fake_start(&server, NULL, 1);
    clusterd_error_t error;
    clusterd_options_t *options = clusterd_options_new();
    clusterd_options_set_port(options, server.port);
    clusterd_options_set_connect_timeout_ms(options, 150);
    clusterd_client_t *client = clusterd_client_new(options, &error);
    clusterd_options_destroy(options);
    CHECK(client == NULL);
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_IO, ETIMEDOUT);
    CHECK(strstr(error.message, "timed out after 150 ms") != NULL);
    fake_stop(&server);
}

/* ForgetMessages: ids or a conversation reach the server and the counts come back; both, neither or
 * too many are refused locally; a server refusal is SERVER/INVALID_ARGUMENT and the client goes on. */
static void test_forget(void) {
    fake_server_t server;
    fake_start(&server, NULL, 0);
    clusterd_error_t error;
    clusterd_client_t *client = connect_to("127.0.0.1", server.port, NULL, 2000, &error);
    CHECK(client != NULL);
    const char *ids[] = {"m1", "65a1b2c3d4e5f60718293a4b"};
    uint64_t analyses = 99, assignments = 99, clusters = 99;
    CHECK(clusterd_client_forget_messages(client, ids, 2, NULL, &analyses, &assignments, &clusters, &error));
    CHECK(analyses == 2 && assignments == 0 && clusters == 0);
    CHECK(clusterd_client_forget_messages(client, NULL, 0, "conv", &analyses, &assignments, &clusters, &error));
    CHECK(analyses == 4 && assignments == 3 && clusters == 2);
    CHECK(clusterd_client_forget_messages(client, ids, 1, "", NULL, NULL, NULL, &error));

    CHECK(!clusterd_client_forget_messages(client, ids, 2, "conv", NULL, NULL, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_forget_messages(client, NULL, 0, NULL, NULL, NULL, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_forget_messages(client, ids, CLUSTERD_MAX_BATCH + 1, NULL, NULL, NULL, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    const char *holes[] = {"m1", NULL};
    CHECK(!clusterd_client_forget_messages(client, holes, 2, NULL, NULL, NULL, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);

    const char *empty[] = {""};
    CHECK(!clusterd_client_forget_messages(client, empty, 1, NULL, NULL, NULL, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_INVALID_ARGUMENT);
    CHECK(strstr(error.message, "message_id is empty") != NULL);
    CHECK(clusterd_client_forget_messages(client, ids, 1, NULL, &analyses, NULL, NULL, &error) && analyses == 1);
    CHECK(!clusterd_client_forget_messages(NULL, ids, 1, NULL, NULL, NULL, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    clusterd_client_destroy(client);
    fake_stop(&server);
}

static void test_conversation_cluster(void) {
    fake_server_t server;
    fake_start(&server, NULL, 0);
    clusterd_error_t error;
    clusterd_client_t *client = connect_to("127.0.0.1", server.port, NULL, 2000, &error);
    CHECK(client != NULL);
    clusterd_placement_t *placement = NULL;
    CHECK(clusterd_client_get_conversation_cluster(client, "conv", &placement, &error));
    CHECK(strcmp(clusterd_placement_get_conversation_id(placement), "conv") == 0);
    CHECK(strcmp(clusterd_placement_get_run_id(placement), "run-1") == 0);
    CHECK(clusterd_placement_is_provisional(placement));
    CHECK(clusterd_placement_get_distance(placement) == 0.25);
    CHECK(clusterd_placement_get_assigned_at_ms(placement) == 1700000000123);
    CHECK(clusterd_placement_get_path_count(placement) == 2);
    const clusterd_path_entry_t *base = clusterd_placement_get_path(placement, 0);
    const clusterd_path_entry_t *top = clusterd_placement_get_path(placement, 1);
    CHECK(strcmp(clusterd_path_entry_get_stable_id(base), "c-base") == 0);
    CHECK(strcmp(clusterd_path_entry_get_name(base), "Refunds") == 0);
    CHECK(clusterd_path_entry_get_level(base) == 0 && clusterd_path_entry_get_size(base) == 12);
    CHECK(strcmp(clusterd_path_entry_get_name(top), "Billing") == 0);
    CHECK(clusterd_path_entry_get_level(top) == 1 && clusterd_path_entry_get_size(top) == 40);
    CHECK(clusterd_placement_get_path(placement, 2) == NULL);
    clusterd_placement_destroy(placement);

    /* NULL handles and entries read as empty. */
    CHECK(clusterd_placement_get_path_count(NULL) == 0 && !clusterd_placement_is_provisional(NULL));
    CHECK(strcmp(clusterd_placement_get_run_id(NULL), "") == 0 && clusterd_placement_get_path(NULL, 0) == NULL);
    CHECK(strcmp(clusterd_path_entry_get_name(NULL), "") == 0 && clusterd_path_entry_get_size(NULL) == 0);
    clusterd_placement_destroy(NULL);

    placement = NULL;
    CHECK(!clusterd_client_get_conversation_cluster(client, "nowhere", &placement, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_NOT_FOUND);
    CHECK(placement == NULL && strstr(error.message, "no cluster") != NULL);
    CHECK(!clusterd_client_get_conversation_cluster(client, "", &placement, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_INVALID_ARGUMENT);
    CHECK(!clusterd_client_get_conversation_cluster(client, "empty", &placement, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_UNEXPECTED_REPLY);
    CHECK(!clusterd_client_get_conversation_cluster(client, NULL, &placement, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_get_conversation_cluster(client, "conv", NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(placement == NULL);
    /* The connection survived every refusal. */
    CHECK(clusterd_client_get_conversation_cluster(client, "conv", &placement, &error));
    clusterd_placement_destroy(placement);
    clusterd_client_destroy(client);
    fake_stop(&server);
}

/* Each curation call sends its action and fields (the fake echoes them as the change); the result and log handles
 * read every field; refusals (a NULL argument locally; the server's INVALID_ARGUMENT and NOT_FOUND; a reply
 * without its change) leave *result untouched and the connection usable. */
static void test_curation(void) {
    fake_server_t server;
    fake_start(&server, NULL, 0);
    clusterd_error_t error;
    clusterd_client_t *client = connect_to("127.0.0.1", server.port, NULL, 2000, &error);
    CHECK(client != NULL);
    clusterd_curation_result_t *result = NULL;
    CHECK(clusterd_client_rename_topic(client, "c-1", "Money back", "Refunds and returns", &result, &error));
    const clusterd_curation_change_t *change = clusterd_curation_result_get_change(result);
    CHECK(strcmp(clusterd_curation_change_get_action(change), "rename") == 0);
    CHECK(strcmp(clusterd_curation_change_get_stable_id(change), "c-1") == 0);
    CHECK(strcmp(clusterd_curation_change_get_name(change), "Money back") == 0);
    CHECK(strcmp(clusterd_curation_change_get_description(change), "Refunds and returns") == 0);
    CHECK(strcmp(clusterd_curation_change_get_into_stable_id(change), "") == 0);
    CHECK(strcmp(clusterd_curation_change_get_previous_name(change), "Refunds") == 0);
    CHECK(strcmp(clusterd_curation_change_get_by(change), "local (fake)") == 0);
    CHECK(clusterd_curation_change_get_at_ms(change) == 1700000000123);
    CHECK(strcmp(clusterd_curation_result_get_message(result), "rename done") == 0);
    clusterd_curation_result_destroy(result);

    CHECK(clusterd_client_rename_topic(client, "c-1", "Money", NULL, &result, &error));
    CHECK(strcmp(clusterd_curation_change_get_description(clusterd_curation_result_get_change(result)), "") == 0);
    clusterd_curation_result_destroy(result);
    CHECK(clusterd_client_pin_topic(client, "c-3", &result, &error));
    change = clusterd_curation_result_get_change(result);
    CHECK(strcmp(clusterd_curation_change_get_action(change), "pin") == 0);
    CHECK(strcmp(clusterd_curation_change_get_name(change), "") == 0);
    clusterd_curation_result_destroy(result);
    CHECK(clusterd_client_unpin_topic(client, "c-3", &result, &error));
    CHECK(strcmp(clusterd_curation_change_get_action(clusterd_curation_result_get_change(result)), "unpin") == 0);
    clusterd_curation_result_destroy(result);
    CHECK(clusterd_client_merge_topic(client, "c-2", "c-1", &result, &error));
    change = clusterd_curation_result_get_change(result);
    CHECK(strcmp(clusterd_curation_change_get_action(change), "merge") == 0);
    CHECK(strcmp(clusterd_curation_change_get_stable_id(change), "c-2") == 0);
    CHECK(strcmp(clusterd_curation_change_get_into_stable_id(change), "c-1") == 0);
    clusterd_curation_result_destroy(result);

    /* NULL handles read as empty. */
    CHECK(clusterd_curation_result_get_change(NULL) == NULL);
    CHECK(strcmp(clusterd_curation_result_get_message(NULL), "") == 0);
    CHECK(strcmp(clusterd_curation_change_get_by(NULL), "") == 0 && clusterd_curation_change_get_at_ms(NULL) == 0);
    clusterd_curation_result_destroy(NULL);

    result = NULL;
    CHECK(!clusterd_client_rename_topic(client, "missing", "x", NULL, &result, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_NOT_FOUND);
    CHECK(strstr(error.message, "no topic with stable id missing") != NULL);
    CHECK(!clusterd_client_pin_topic(client, "", &result, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_INVALID_ARGUMENT);
    CHECK(!clusterd_client_pin_topic(client, "empty", &result, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_UNEXPECTED_REPLY);
    CHECK(!clusterd_client_rename_topic(client, "c-1", NULL, NULL, &result, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_merge_topic(client, "c-1", NULL, &result, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_unpin_topic(client, NULL, &result, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_pin_topic(client, "c-1", NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(!clusterd_client_pin_topic(NULL, "c-1", &result, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    CHECK(result == NULL);

    clusterd_curation_log_t *log = NULL;
    CHECK(clusterd_client_list_curation(client, NULL, 0, &log, &error));
    CHECK(clusterd_curation_log_get_topic_count(log) == 1 && clusterd_curation_log_get_change_count(log) == 2);
    const clusterd_topic_curation_t *topic = clusterd_curation_log_get_topic(log, 0);
    CHECK(strcmp(clusterd_topic_curation_get_stable_id(topic), "c-2") == 0);
    CHECK(strcmp(clusterd_topic_curation_get_name(topic), "") == 0);
    CHECK(strcmp(clusterd_topic_curation_get_description(topic), "") == 0);
    CHECK(strcmp(clusterd_topic_curation_get_merged_into(topic), "c-1") == 0);
    CHECK(strcmp(clusterd_topic_curation_get_updated_by(topic), "token (py)") == 0);
    CHECK(clusterd_topic_curation_get_updated_at_ms(topic) == 1700000000456);
    CHECK(strcmp(clusterd_curation_change_get_action(clusterd_curation_log_get_change(log, 0)), "merge") == 0);
    CHECK(strcmp(clusterd_curation_change_get_name(clusterd_curation_log_get_change(log, 1)), "Money back") == 0);
    CHECK(clusterd_curation_log_get_change(log, 2) == NULL && clusterd_curation_log_get_topic(log, 1) == NULL);
    clusterd_curation_log_destroy(log);
    CHECK(clusterd_client_list_curation(client, "c-9", 1, &log, &error));
    CHECK(strcmp(clusterd_topic_curation_get_stable_id(clusterd_curation_log_get_topic(log, 0)), "c-9") == 0);
    CHECK(clusterd_curation_log_get_change_count(log) == 1);
    clusterd_curation_log_destroy(log);
    CHECK(clusterd_curation_log_get_change_count(NULL) == 0 && clusterd_curation_log_get_topic(NULL, 0) == NULL);
    CHECK(strcmp(clusterd_topic_curation_get_merged_into(NULL), "") == 0);
    clusterd_curation_log_destroy(NULL);
    CHECK(!clusterd_client_list_curation(client, NULL, 0, NULL, &error));
    CHECK_ERROR(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT);
    /* The connection survived every refusal. */
    CHECK(clusterd_client_is_connected(client));
    clusterd_client_destroy(client);
    fake_stop(&server);
}

int main(void) {
    test_options();
    test_connection_refused();
    test_misuse();
    test_calls();
    test_read_timeout();
    test_write_timeout();
    test_tokens();
    test_hello_timeout();
    test_forget();
    test_conversation_cluster();
    test_curation();
    printf("test-offline: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
