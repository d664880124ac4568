/* End-to-end test of libclusterd against a real clusterd:
 *   clusterd-test HOST:PORT [--token T] [--expect-run] [--server-pid PID]
 *                 [--ca-file CA [--cert-file C --key-file K] [--other-ca CA2] [--require-cert]] MESSAGE_ID...
 * Covers every call and its error paths:
 *  - server down (a closed port): IO/ECONNREFUSED; with --token, a wrong or missing token:
 *    SERVER/UNAUTHENTICATED;
 *  - TriggerAnalysis of each id (QUEUED or ALREADY_QUEUED), an empty and an over-1024-byte id
 *    (SERVER/INVALID_ARGUMENT, the connection survives), a request above the server's maximum
 *    frame (PROTOCOL/FRAME_TOO_LARGE, refused before sending, the connection survives);
 *  - TriggerAnalysisBatch with per-id results, and batches refused locally;
 *  - GetStatus; ForceClustering; with --expect-run, waits for the run to succeed, then ListRuns and
 *    ListClusters (latest, by id, and an unknown id: SERVER/NOT_FOUND), GetConversationCluster of
 *    a representative conversation (its cluster first on the path), an unknown one (SERVER/NOT_FOUND)
 *    and an empty id (SERVER/INVALID_ARGUMENT); then topic curation: rename (shown by the latest run at once), the
 *    refusals that change nothing (an unknown topic: SERVER/NOT_FOUND; an empty name, a merge into itself, an unpin
 *    with no kept name: SERVER/INVALID_ARGUMENT), pin, unpin, merge, and the log with who and when;
 *  - with --server-pid: the server dies mid-call (SIGSTOP, the call is sent, SIGKILL): an IO error;
 *    the next call finds the server down (IO/ECONNREFUSED); then, once the test harness has
 *    restarted a server on the same port, the same client reconnects by itself;
 *  - with --ca-file: every call over TLS; with --other-ca, a client trusting another CA fails the handshake
 *    (IO/EPROTO naming the verification failure); with --require-cert, a client without a certificate is refused.
 * Prints "ok"/"FAIL" per check and "N passed, M failed"; exits non-zero on any failure. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clusterd/clusterd.h"

static int passed;
static int failed;

static void check(int ok, const char *what, const clusterd_error_t *error) {
    if (ok) {
        passed++;
        printf("ok   %s\n", what);
    } else {
        failed++;
        printf("FAIL %s", what);
        if (error != NULL && error->domain != 0) {
            printf(" (%s %d: %s)", clusterd_error_domain_name(error->domain), error->code, error->message);
        }
        printf("\n");
    }
    fflush(stdout);
}

static int is_error(const clusterd_error_t *error, int domain, int code) {
    return error->domain == domain && error->code == code;
}

static void sleep_ms(long ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A loopback port nothing listens on (bound, then closed). */
static uint16_t closed_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
        perror("closed_port");
        exit(2);
    }
    close(fd);
    return ntohs(addr.sin_port);
}

static const char *address;
static const char *tls_ca;   /* --ca-file: TLS on */
static const char *tls_cert; /* --cert-file */
static const char *tls_key;  /* --key-file */

/* Options for the server under test, over TLS with the given CA and client certificate when tls_ca is set. */
static clusterd_options_t *options_with(const char *ca, const char *cert, const char *key) {
    clusterd_options_t *options = clusterd_options_new();
    clusterd_options_set_address(options, address, NULL);
    if (ca != NULL) {
        clusterd_options_set_tls_ca_file(options, ca, NULL);
        clusterd_options_set_tls_client_certificate(options, cert, key, NULL);
    }
    return options;
}

static clusterd_client_t *connect_with(const char *token, int timeout_ms, clusterd_error_t *error) {
    clusterd_options_t *options = options_with(tls_ca, tls_cert, tls_key);
    clusterd_options_set_token(options, token, NULL);
    clusterd_options_set_client_name(options, "clusterd-test", NULL);
    clusterd_options_set_timeout_ms(options, timeout_ms);
    clusterd_client_t *client = clusterd_client_new(options, error);
    clusterd_options_destroy(options);
    return client;
}

static void test_server_down(void) {
    clusterd_error_t error;
    memset(&error, 0, sizeof error);
    clusterd_options_t *options = clusterd_options_new();
    clusterd_options_set_host(options, "127.0.0.1", NULL);
    clusterd_options_set_port(options, closed_port());
    clusterd_client_t *client = clusterd_client_new(options, &error);
    check(client == NULL && is_error(&error, CLUSTERD_ERROR_DOMAIN_IO, ECONNREFUSED),
          "server down: connecting fails with IO/ECONNREFUSED", client == NULL ? &error : NULL);
    clusterd_client_destroy(client);
    clusterd_options_destroy(options);
}

/* A client trusting another CA fails the handshake; with require_cert, one without a certificate is refused. */
static void test_tls_refusals(const char *other_ca, int require_cert, const char *token) {
    clusterd_error_t error;
    if (other_ca != NULL) {
        memset(&error, 0, sizeof error);
        clusterd_options_t *options = options_with(other_ca, tls_cert, tls_key);
        clusterd_options_set_token(options, token, NULL);
        clusterd_client_t *client = clusterd_client_new(options, &error);
        check(client == NULL && is_error(&error, CLUSTERD_ERROR_DOMAIN_IO, EPROTO) &&
                  strstr(error.message, "TLS handshake") != NULL && strstr(error.message, "certificate") != NULL,
              "another CA: the handshake fails with IO/EPROTO naming the certificate", &error);
        clusterd_client_destroy(client);
        clusterd_options_destroy(options);
    }
    if (require_cert) {
        memset(&error, 0, sizeof error);
        clusterd_options_t *options = options_with(tls_ca, NULL, NULL);
        clusterd_options_set_token(options, token, NULL);
        clusterd_options_set_timeout_ms(options, 10000);
        clusterd_client_t *client = clusterd_client_new(options, &error);
        check(client == NULL && error.domain == CLUSTERD_ERROR_DOMAIN_IO,
              "no client certificate: refused (IO error)", &error);
        clusterd_client_destroy(client);
        clusterd_options_destroy(options);
    }
    memset(&error, 0, sizeof error);
    clusterd_options_t *options = clusterd_options_new();
    check(!clusterd_options_set_tls_client_certificate(options, "cert.pem", NULL, &error) &&
              is_error(&error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT),
          "a client certificate without its key: CLIENT/INVALID_ARGUMENT", NULL);
    clusterd_options_destroy(options);
}

static void test_tokens(const char *token) {
    char wrong[512];
    snprintf(wrong, sizeof wrong, "%s-wrong", token);
    clusterd_error_t error;
    memset(&error, 0, sizeof error);
    clusterd_client_t *client = connect_with(wrong, 10000, &error);
    check(client == NULL && is_error(&error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_UNAUTHENTICATED),
          "wrong token: SERVER/UNAUTHENTICATED", client == NULL ? &error : NULL);
    clusterd_client_destroy(client);
    memset(&error, 0, sizeof error);
    client = connect_with(NULL, 10000, &error);
    check(client == NULL && is_error(&error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_UNAUTHENTICATED),
          "no token: SERVER/UNAUTHENTICATED", client == NULL ? &error : NULL);
    clusterd_client_destroy(client);
}

static void test_triggers(clusterd_client_t *client, const char **ids, int n_ids) {
    clusterd_error_t error;
    char what[400];
    for (int i = 0; i < n_ids; i++) {
        clusterd_trigger_outcome_t outcome = CLUSTERD_TRIGGER_OUTCOME_UNSPECIFIED;
        memset(&error, 0, sizeof error);
        bool ok = clusterd_client_trigger_analysis(client, ids[i], NULL, &outcome, &error);
        snprintf(what, sizeof what, "trigger %.200s -> %s", ids[i], ok ? clusterd_trigger_outcome_name(outcome) : "error");
        check(ok && (outcome == CLUSTERD_TRIGGER_OUTCOME_QUEUED || outcome == CLUSTERD_TRIGGER_OUTCOME_ALREADY_QUEUED),
              what, &error);
    }

    memset(&error, 0, sizeof error);
    bool ok = clusterd_client_trigger_analysis(client, "", NULL, NULL, &error);
    check(!ok && is_error(&error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_INVALID_ARGUMENT),
          "trigger with an empty id: SERVER/INVALID_ARGUMENT", ok ? NULL : &error);

    char long_id[1100];
    memset(long_id, 'x', 1025);
    long_id[1025] = '\0';
    memset(&error, 0, sizeof error);
    ok = clusterd_client_trigger_analysis(client, long_id, NULL, NULL, &error);
    check(!ok && is_error(&error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_INVALID_ARGUMENT),
          "trigger with a 1025-byte id: SERVER/INVALID_ARGUMENT", ok ? NULL : &error);
    check(clusterd_client_is_connected(client), "the connection survives error replies", NULL);

    /* Oversized request: above the server's announced maximum, refused before sending. */
    uint32_t max_frame = clusterd_client_get_server_max_frame(client);
    snprintf(what, sizeof what, "the server announces its maximum frame (%u bytes)", (unsigned)max_frame);
    check(max_frame > 0, what, NULL);
    size_t big_len = (size_t)max_frame + 16;
    char *big = malloc(big_len + 1);
    memset(big, 'b', big_len);
    big[big_len] = '\0';
    memset(&error, 0, sizeof error);
    ok = clusterd_client_trigger_analysis(client, big, NULL, NULL, &error);
    free(big);
    check(!ok && is_error(&error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_FRAME_TOO_LARGE),
          "a request above the maximum frame: PROTOCOL/FRAME_TOO_LARGE", ok ? NULL : &error);
    check(clusterd_client_is_connected(client), "the connection survives a refused oversized request", NULL);

    /* Batch: every id again, plus an empty and an over-long one; one result each, in order. */
    const char **batch_ids = calloc((size_t)n_ids + 2, sizeof *batch_ids);
    for (int i = 0; i < n_ids; i++) {
        batch_ids[i] = ids[i];
    }
    batch_ids[n_ids] = "";
    batch_ids[n_ids + 1] = long_id;
    size_t count = (size_t)n_ids + 2;
    clusterd_trigger_batch_t *batch = NULL;
    memset(&error, 0, sizeof error);
    ok = clusterd_client_trigger_analysis_batch(client, batch_ids, NULL, count, &batch, &error);
    snprintf(what, sizeof what, "batch trigger of %zu ids", count);
    check(ok && clusterd_trigger_batch_get_count(batch) == count, what, &error);
    if (ok) {
        int accepted_ok = 1;
        for (int i = 0; i < n_ids; i++) {
            clusterd_trigger_outcome_t outcome = clusterd_trigger_batch_get_outcome(batch, (size_t)i);
            accepted_ok &= clusterd_trigger_batch_get_code(batch, (size_t)i) == CLUSTERD_CODE_OK &&
                           (outcome == CLUSTERD_TRIGGER_OUTCOME_QUEUED ||
                            outcome == CLUSTERD_TRIGGER_OUTCOME_ALREADY_QUEUED);
        }
        check(accepted_ok && clusterd_trigger_batch_get_accepted_count(batch) == (size_t)n_ids,
              "batch: every valid id accepted (QUEUED or ALREADY_QUEUED)", NULL);
        check(clusterd_trigger_batch_get_code(batch, (size_t)n_ids) == CLUSTERD_CODE_INVALID_ARGUMENT &&
                  clusterd_trigger_batch_get_code(batch, (size_t)n_ids + 1) == CLUSTERD_CODE_INVALID_ARGUMENT,
              "batch: the empty and the over-long id are INVALID_ARGUMENT", NULL);
        check(strstr(clusterd_trigger_batch_get_message(batch, (size_t)n_ids + 1), "1024") != NULL,
              "batch: the refusal says why", NULL);
    }
    clusterd_trigger_batch_destroy(batch);
    free(batch_ids);

    /* Batches refused locally: too many ids; more bytes than the server's maximum frame. */
    size_t many = CLUSTERD_MAX_BATCH + 1;
    const char **many_ids = calloc(many, sizeof *many_ids);
    for (size_t i = 0; i < many; i++) {
        many_ids[i] = "65a1b2c3d4e5f60718293a4b";
    }
    batch = NULL;
    memset(&error, 0, sizeof error);
    ok = clusterd_client_trigger_analysis_batch(client, many_ids, NULL, many, &batch, &error);
    check(!ok && batch == NULL && is_error(&error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT),
          "a batch of 10001 ids: CLIENT/INVALID_ARGUMENT", ok ? NULL : &error);
    char *wide = malloc(1001);
    memset(wide, 'w', 1000);
    wide[1000] = '\0';
    size_t wide_count = max_frame / 1000 + 2;
    if (wide_count > CLUSTERD_MAX_BATCH) {
        wide_count = CLUSTERD_MAX_BATCH;
    }
    for (size_t i = 0; i < wide_count; i++) {
        many_ids[i] = wide;
    }
    memset(&error, 0, sizeof error);
    ok = clusterd_client_trigger_analysis_batch(client, many_ids, NULL, wide_count, &batch, &error);
    check(!ok && is_error(&error, CLUSTERD_ERROR_DOMAIN_PROTOCOL, CLUSTERD_PROTOCOL_FRAME_TOO_LARGE),
          "a batch above the maximum frame: PROTOCOL/FRAME_TOO_LARGE", ok ? NULL : &error);
    free(wide);
    free(many_ids);
    check(clusterd_client_is_connected(client), "the connection survives refused batches", NULL);
}

/* Polls status until a run newer than previous_run has ended; returns its id (malloc'd) or NULL. */
static char *wait_for_run(clusterd_client_t *client, const char *previous_run, double timeout_s) {
    double deadline = now_seconds() + timeout_s;
    while (now_seconds() < deadline) {
        clusterd_error_t error;
        clusterd_status_t *status = NULL;
        if (clusterd_client_get_status(client, &status, &error)) {
            const clusterd_run_t *run = clusterd_status_get_last_run(status);
            if (!clusterd_status_get_clustering_in_progress(status) && run != NULL &&
                strcmp(clusterd_run_get_id(run), previous_run) != 0 &&
                strcmp(clusterd_run_get_status(run), "running") != 0) {
                char *id = strcmp(clusterd_run_get_status(run), "succeeded") == 0 ? strdup(clusterd_run_get_id(run))
                                                                                   : NULL;
                if (id == NULL) {
                    printf("     run %s ended %s: %s\n", clusterd_run_get_id(run), clusterd_run_get_status(run),
                           clusterd_run_get_error(run));
                }
                clusterd_status_destroy(status);
                return id;
            }
            clusterd_status_destroy(status);
        }
        sleep_ms(100);
    }
    return NULL;
}

/* GetConversationCluster of the first cluster's first representative conversation (placed by the
 * run, that cluster first on its path), of an unknown conversation and of an empty id. */
static void check_conversation_cluster(clusterd_client_t *client, const clusterd_cluster_list_t *clusters,
                                       const char *run_id) {
    const clusterd_cluster_t *cluster = clusterd_cluster_list_get(clusters, 0);
    const char *conversation = clusterd_cluster_get_representative(cluster, 0);
    clusterd_placement_t *placement = NULL;
    clusterd_error_t error;
    memset(&error, 0, sizeof error);
    int ok = conversation != NULL && clusterd_client_get_conversation_cluster(client, conversation, &placement, &error);
    const clusterd_path_entry_t *base = clusterd_placement_get_path(placement, 0);
    check(ok && !clusterd_placement_is_provisional(placement) &&
              strcmp(clusterd_placement_get_run_id(placement), run_id) == 0 &&
              strcmp(clusterd_placement_get_conversation_id(placement), conversation) == 0 &&
              clusterd_placement_get_assigned_at_ms(placement) == 0 &&
              strcmp(clusterd_path_entry_get_stable_id(base), clusterd_cluster_get_stable_id(cluster)) == 0 &&
              clusterd_path_entry_get_level(base) == 0,
          "conversation cluster of a representative: the run's assignment, its cluster first", ok ? NULL : &error);
    clusterd_placement_destroy(placement);

    placement = NULL;
    memset(&error, 0, sizeof error);
    ok = clusterd_client_get_conversation_cluster(client, "conv-nowhere", &placement, &error);
    check(!ok && placement == NULL && is_error(&error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_NOT_FOUND),
          "conversation cluster of an unknown conversation: SERVER/NOT_FOUND", ok ? NULL : &error);
    memset(&error, 0, sizeof error);
    ok = clusterd_client_get_conversation_cluster(client, "", &placement, &error);
    check(!ok && is_error(&error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_INVALID_ARGUMENT),
          "conversation cluster of an empty id: SERVER/INVALID_ARGUMENT", ok ? NULL : &error);
}

/* The first two base clusters (level 0, not the "other" bucket) of a listing; false when there are fewer. */
static bool two_base_clusters(const clusterd_cluster_list_t *clusters, const clusterd_cluster_t **first,
                              const clusterd_cluster_t **second) {
    *first = NULL;
    *second = NULL;
    for (size_t i = 0; i < clusterd_cluster_list_get_count(clusters) && *second == NULL; i++) {
        const clusterd_cluster_t *cluster = clusterd_cluster_list_get(clusters, i);
        if (clusterd_cluster_get_level(cluster) != 0 || strcmp(clusterd_cluster_get_stable_id(cluster), "other") == 0) {
            continue;
        }
        *(*first == NULL ? first : second) = cluster;
    }
    return *second != NULL;
}

/* The curation log's changes, newest first, as "action stable_id" joined by ", " into out. */
static void log_actions(const clusterd_curation_log_t *log, char *out, size_t size) {
    out[0] = '\0';
    for (size_t i = 0; i < clusterd_curation_log_get_change_count(log); i++) {
        const clusterd_curation_change_t *change = clusterd_curation_log_get_change(log, i);
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", i == 0 ? "" : ", ", clusterd_curation_change_get_action(change));
    }
}

/* A refused curation call: false, the expected server code, and *result untouched. */
static void check_refused(bool ok, clusterd_curation_result_t *result, const clusterd_error_t *error, int code,
                          const char *what) {
    check(!ok && result == NULL && is_error(error, CLUSTERD_ERROR_DOMAIN_SERVER, code), what, ok ? NULL : error);
}

/* Hand curation against the real server: a rename shows in the latest run at once and is logged under the token
 * and this client's name; bad input is refused and changes nothing; pin, unpin and merge are logged newest first. */
static void check_curation(clusterd_client_t *client, const clusterd_cluster_list_t *clusters) {
    const clusterd_cluster_t *first = NULL;
    const clusterd_cluster_t *second = NULL;
    check(two_base_clusters(clusters, &first, &second), "curation: two base clusters to curate", NULL);
    if (second == NULL) {
        return;
    }
    char a[128];
    char b[128];
    char previous[256];
    snprintf(a, sizeof a, "%s", clusterd_cluster_get_stable_id(first));
    snprintf(b, sizeof b, "%s", clusterd_cluster_get_stable_id(second));
    snprintf(previous, sizeof previous, "%s", clusterd_cluster_get_name(first));
    clusterd_error_t error;
    memset(&error, 0, sizeof error);
    clusterd_curation_result_t *result = NULL;
    bool ok = clusterd_client_rename_topic(client, a, "Named from C", "Set by libclusterd", &result, &error);
    const clusterd_curation_change_t *change = clusterd_curation_result_get_change(result);
    check(ok && strcmp(clusterd_curation_change_get_action(change), "rename") == 0 &&
              strcmp(clusterd_curation_change_get_stable_id(change), a) == 0 &&
              strcmp(clusterd_curation_change_get_name(change), "Named from C") == 0 &&
              strcmp(clusterd_curation_change_get_previous_name(change), previous) == 0 &&
              strcmp(clusterd_curation_change_get_by(change), "token (clusterd-test)") == 0 &&
              clusterd_curation_change_get_at_ms(change) > 1700000000000 &&
              clusterd_curation_result_get_message(result)[0] != '\0',
          "curation: rename, logged by \"token (clusterd-test)\" with the previous name", ok ? NULL : &error);
    clusterd_curation_result_destroy(result);

    clusterd_cluster_list_t *latest = NULL;
    const char *shown = "";
    if (clusterd_client_list_clusters(client, NULL, &latest, &error)) {
        for (size_t i = 0; i < clusterd_cluster_list_get_count(latest); i++) {
            const clusterd_cluster_t *cluster = clusterd_cluster_list_get(latest, i);
            if (strcmp(clusterd_cluster_get_stable_id(cluster), a) == 0) {
                shown = clusterd_cluster_get_name(cluster);
            }
        }
    }
    check(strcmp(shown, "Named from C") == 0, "curation: the latest run shows the new name at once", NULL);
    clusterd_cluster_list_destroy(latest);

    result = NULL;
    memset(&error, 0, sizeof error);
    ok = clusterd_client_rename_topic(client, "c-nowhere", "x", NULL, &result, &error);
    check_refused(ok, result, &error, CLUSTERD_CODE_NOT_FOUND, "curation: rename of an unknown topic: NOT_FOUND");
    ok = clusterd_client_rename_topic(client, a, "", NULL, &result, &error);
    check_refused(ok, result, &error, CLUSTERD_CODE_INVALID_ARGUMENT, "curation: an empty name: INVALID_ARGUMENT");
    ok = clusterd_client_merge_topic(client, a, a, &result, &error);
    check_refused(ok, result, &error, CLUSTERD_CODE_INVALID_ARGUMENT,
                  "curation: a merge into itself: INVALID_ARGUMENT");
    ok = clusterd_client_unpin_topic(client, b, &result, &error);
    check_refused(ok, result, &error, CLUSTERD_CODE_INVALID_ARGUMENT,
                  "curation: an unpin with no kept name: INVALID_ARGUMENT");
    clusterd_curation_log_t *log = NULL;
    ok = clusterd_client_list_curation(client, NULL, 0, &log, &error);
    check(ok && clusterd_curation_log_get_change_count(log) == 1 && clusterd_curation_log_get_topic_count(log) == 1 &&
              strcmp(clusterd_topic_curation_get_name(clusterd_curation_log_get_topic(log, 0)), "Named from C") == 0,
          "curation: the refusals logged nothing and lost nothing", ok ? NULL : &error);
    clusterd_curation_log_destroy(log);

    const char *steps[] = {"pin", "unpin", "merge"};
    for (size_t i = 0; i < 3; i++) {
        result = NULL;
        memset(&error, 0, sizeof error);
        ok = i == 0   ? clusterd_client_pin_topic(client, b, &result, &error)
             : i == 1 ? clusterd_client_unpin_topic(client, b, &result, &error)
                      : clusterd_client_merge_topic(client, b, a, &result, &error);
        char what[64];
        snprintf(what, sizeof what, "curation: %s", steps[i]);
        check(ok && strcmp(clusterd_curation_change_get_action(clusterd_curation_result_get_change(result)),
                           steps[i]) == 0,
              what, ok ? NULL : &error);
        clusterd_curation_result_destroy(result);
    }

    log = NULL;
    char actions[200];
    ok = clusterd_client_list_curation(client, NULL, 0, &log, &error);
    log_actions(log, actions, sizeof actions);
    const clusterd_topic_curation_t *merged = NULL;
    for (size_t i = 0; i < clusterd_curation_log_get_topic_count(log); i++) {
        const clusterd_topic_curation_t *topic = clusterd_curation_log_get_topic(log, i);
        if (strcmp(clusterd_topic_curation_get_stable_id(topic), b) == 0) {
            merged = topic;
        }
    }
    check(ok && strcmp(actions, "merge, unpin, pin, rename") == 0 &&
              strcmp(clusterd_topic_curation_get_merged_into(merged), a) == 0 &&
              strcmp(clusterd_topic_curation_get_updated_by(merged), "token (clusterd-test)") == 0 &&
              clusterd_topic_curation_get_updated_at_ms(merged) > 1700000000000,
          "curation: the log, newest first, with the merge", ok ? NULL : &error);
    clusterd_curation_log_destroy(log);
    log = NULL;
    ok = clusterd_client_list_curation(client, b, 1, &log, &error);
    check(ok && clusterd_curation_log_get_change_count(log) == 1 &&
              strcmp(clusterd_curation_change_get_action(clusterd_curation_log_get_change(log, 0)), "merge") == 0,
          "curation: the log of one topic, limit 1", ok ? NULL : &error);
    clusterd_curation_log_destroy(log);
}

static void test_status_force_and_lists(clusterd_client_t *client, int expect_run, int n_expected) {
    clusterd_error_t error;
    char what[400];
    clusterd_status_t *status = NULL;
    memset(&error, 0, sizeof error);
    bool ok = clusterd_client_get_status(client, &status, &error);
    check(ok && status != NULL, "get status", &error);
    char previous_run[128] = "";
    if (ok) {
        snprintf(what, sizeof what, "status: version \"%.50s\", queue capacity %u, message threshold %u",
                 clusterd_status_get_version(status), (unsigned)clusterd_status_get_queue_capacity(status),
                 (unsigned)clusterd_status_get_message_threshold(status));
        check(clusterd_status_get_version(status)[0] != '\0' && clusterd_status_get_queue_capacity(status) > 0 &&
                  clusterd_status_get_message_threshold(status) > 0,
              what, NULL);
        snprintf(previous_run, sizeof previous_run, "%s", clusterd_run_get_id(clusterd_status_get_last_run(status)));
        clusterd_status_destroy(status);
    }

    /* Every triggered message analysed first, so the forced run clusters them all. */
    double deadline = now_seconds() + 60;
    uint64_t analysed = 0;
    while (expect_run && analysed < (uint64_t)n_expected && now_seconds() < deadline) {
        if (clusterd_client_get_status(client, &status, &error)) {
            analysed = clusterd_status_get_analyzed_total(status);
            clusterd_status_destroy(status);
        }
        sleep_ms(100);
    }
    bool started = false;
    bool follow_up = false;
    memset(&error, 0, sizeof error);
    ok = clusterd_client_force_clustering(client, &started, &follow_up, &error);
    check(ok, "force clustering", &error);
    if (!expect_run) {
        return;
    }
    char *run_id = wait_for_run(client, previous_run, 120);
    check(run_id != NULL, "the forced run succeeds", NULL);
    if (run_id == NULL) {
        return;
    }

    clusterd_run_list_t *runs = NULL;
    memset(&error, 0, sizeof error);
    ok = clusterd_client_list_runs(client, 5, &runs, &error);
    check(ok && clusterd_run_list_get_count(runs) >= 1 && clusterd_run_list_get_count(runs) <= 5,
          "list runs (limit 5)", &error);
    if (ok && clusterd_run_list_get_count(runs) >= 1) {
        const clusterd_run_t *newest = clusterd_run_list_get(runs, 0);
        snprintf(what, sizeof what, "the newest run is the forced one (%s %s, %u clusters)", clusterd_run_get_id(newest),
                 clusterd_run_get_status(newest), (unsigned)clusterd_run_get_clusters_created(newest));
        check(strcmp(clusterd_run_get_id(newest), run_id) == 0 && clusterd_run_get_finished_at_ms(newest) > 0, what,
              NULL);
    }
    clusterd_run_list_destroy(runs);

    clusterd_cluster_list_t *clusters = NULL;
    memset(&error, 0, sizeof error);
    ok = clusterd_client_list_clusters(client, NULL, &clusters, &error);
    check(ok && strcmp(clusterd_run_get_id(clusterd_cluster_list_get_run(clusters)), run_id) == 0 &&
              clusterd_cluster_list_get_count(clusters) >= 1,
          "list clusters of the latest run", &error);
    if (ok) {
        uint64_t total = 0;
        int named = 1;
        for (size_t i = 0; i < clusterd_cluster_list_get_count(clusters); i++) {
            const clusterd_cluster_t *cluster = clusterd_cluster_list_get(clusters, i);
            total += clusterd_cluster_get_size(cluster);
            named &= clusterd_cluster_get_stable_id(cluster)[0] != '\0';
        }
        snprintf(what, sizeof what, "%zu clusters with stable ids covering %llu conversations",
                 clusterd_cluster_list_get_count(clusters), (unsigned long long)total);
        check(named && total == clusterd_run_get_total_conversations(clusterd_cluster_list_get_run(clusters)), what,
              NULL);
        /* Against a server with one cluster per page (CClientTests) this is two or more pages gathered. */
        snprintf(what, sizeof what, "the clusters of every page gathered (%zu, the run created %u)",
                 clusterd_cluster_list_get_count(clusters),
                 (unsigned)clusterd_run_get_clusters_created(clusterd_cluster_list_get_run(clusters)));
        check(clusterd_cluster_list_get_count(clusters) >= 2, what, NULL);
    }
    clusterd_cluster_list_destroy(clusters);

    clusters = NULL;
    memset(&error, 0, sizeof error);
    ok = clusterd_client_list_clusters(client, run_id, &clusters, &error);
    check(ok && strcmp(clusterd_run_get_id(clusterd_cluster_list_get_run(clusters)), run_id) == 0,
          "list clusters by run id", &error);
    check_conversation_cluster(client, clusters, run_id);
    check_curation(client, clusters);
    clusterd_cluster_list_destroy(clusters);

    clusters = NULL;
    memset(&error, 0, sizeof error);
    ok = clusterd_client_list_clusters(client, "000000000000000000000000", &clusters, &error);
    check(!ok && clusters == NULL && is_error(&error, CLUSTERD_ERROR_DOMAIN_SERVER, CLUSTERD_CODE_NOT_FOUND),
          "list clusters of an unknown run: SERVER/NOT_FOUND", ok ? NULL : &error);
    free(run_id);
}

static pid_t server_pid;

/* Waits (at most 5 s) until the process is really stopped: kill(SIGSTOP) returns before it is. */
static int wait_stopped(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    for (int i = 0; i < 500; i++) {
        FILE *file = fopen(path, "r");
        if (file == NULL) {
            return 0;
        }
        char line[512];
        char *ok = fgets(line, sizeof line, file);
        fclose(file);
        const char *close = ok != NULL ? strrchr(line, ')') : NULL;
        if (close != NULL && (close[2] == 'T' || close[2] == 't')) {
            return 1;
        }
        sleep_ms(10);
    }
    return 0;
}

static void *kill_later(void *arg) {
    (void)arg;
    sleep_ms(300);
    kill(server_pid, SIGKILL);
    return NULL;
}

static void test_server_dies(clusterd_client_t *client) {
    clusterd_error_t error;
    /* Stopped, the server cannot answer: the request goes out and the call waits; then it dies. */
    check(kill(server_pid, SIGSTOP) == 0 && wait_stopped(server_pid), "server stopped (SIGSTOP)", NULL);
    pthread_t killer;
    pthread_create(&killer, NULL, kill_later, NULL);
    clusterd_status_t *status = NULL;
    memset(&error, 0, sizeof error);
    bool ok = clusterd_client_get_status(client, &status, &error);
    pthread_join(killer, NULL);
    check(!ok && error.domain == CLUSTERD_ERROR_DOMAIN_IO &&
              (error.code == CLUSTERD_IO_CLOSED || error.code == ECONNRESET),
          "the server dies mid-call: IO error (closed or reset)", ok ? NULL : &error);
    clusterd_status_destroy(status);
    check(!clusterd_client_is_connected(client), "the broken connection is dropped", NULL);

    /* Wait for the port to be released, then the next call finds the server down. */
    double deadline = now_seconds() + 10;
    do {
        memset(&error, 0, sizeof error);
        ok = clusterd_client_force_clustering(client, NULL, NULL, &error);
        if (ok || error.code == ECONNREFUSED) {
            break;
        }
        sleep_ms(50);
    } while (now_seconds() < deadline);
    check(!ok && is_error(&error, CLUSTERD_ERROR_DOMAIN_IO, ECONNREFUSED),
          "the next call finds the server down: IO/ECONNREFUSED", ok ? NULL : &error);
    printf("server killed; waiting for a restart on the same port\n");
    fflush(stdout);

    /* The harness restarts a server on the same port: the same client reconnects by itself. */
    deadline = now_seconds() + 90;
    ok = false;
    while (!ok && now_seconds() < deadline) {
        memset(&error, 0, sizeof error);
        ok = clusterd_client_get_status(client, &status, &error);
        if (!ok) {
            sleep_ms(100);
        }
    }
    check(ok, "after the restart the same client reconnects automatically", &error);
    if (ok) {
        clusterd_status_destroy(status);
        check(clusterd_client_is_connected(client), "connected again", NULL);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: clusterd-test HOST:PORT [--token T] [--expect-run] [--server-pid PID] [--ca-file CA "
                        "[--cert-file C --key-file K] [--other-ca CA2] [--require-cert]] MESSAGE_ID...\n");
        return 2;
    }
    address = argv[1];
    clusterd_options_t *probe = clusterd_options_new();
    clusterd_error_t error;
    if (!clusterd_options_set_address(probe, address, &error)) {
        fprintf(stderr, "%s\n", error.message);
        clusterd_options_destroy(probe);
        return 2;
    }
    clusterd_options_destroy(probe);
    /* Options may come before or after the ids; "--" ends the options. */
    const char *token = NULL;
    int expect_run = 0;
    const char *other_ca = NULL;
    int require_cert = 0;
    const char **ids = calloc((size_t)argc, sizeof *ids);
    int n_ids = 0;
    int options = 1;
    for (int i = 2; i < argc; i++) {
        if (options && strcmp(argv[i], "--token") == 0 && i + 1 < argc) {
            token = argv[++i];
        } else if (options && strcmp(argv[i], "--server-pid") == 0 && i + 1 < argc) {
            server_pid = (pid_t)atol(argv[++i]);
        } else if (options && strcmp(argv[i], "--ca-file") == 0 && i + 1 < argc) {
            tls_ca = argv[++i];
        } else if (options && strcmp(argv[i], "--cert-file") == 0 && i + 1 < argc) {
            tls_cert = argv[++i];
        } else if (options && strcmp(argv[i], "--key-file") == 0 && i + 1 < argc) {
            tls_key = argv[++i];
        } else if (options && strcmp(argv[i], "--other-ca") == 0 && i + 1 < argc) {
            other_ca = argv[++i];
        } else if (options && strcmp(argv[i], "--require-cert") == 0) {
            require_cert = 1;
        } else if (options && strcmp(argv[i], "--expect-run") == 0) {
            expect_run = 1;
        } else if (options && strcmp(argv[i], "--") == 0) {
            options = 0;
        } else {
            ids[n_ids++] = argv[i];
        }
    }
    printf("libclusterd %s (header %s) against %s\n", clusterd_version(), CLUSTERD_VERSION_STRING, address);

    test_server_down();
    if (token != NULL) {
        test_tokens(token);
    }
    if (tls_ca != NULL) {
        test_tls_refusals(other_ca, require_cert, token);
    }

    memset(&error, 0, sizeof error);
    clusterd_client_t *client = connect_with(token, 20000, &error);
    check(client != NULL, "connect and hello", &error);
    if (client != NULL) {
        char what[200];
        snprintf(what, sizeof what, "server version \"%.100s\"", clusterd_client_get_server_version(client));
        check(clusterd_client_get_server_version(client)[0] != '\0', what, NULL);
        test_triggers(client, ids, n_ids);
        test_status_force_and_lists(client, expect_run, n_ids);
        if (server_pid > 0) {
            test_server_dies(client);
        }
        clusterd_client_destroy(client);
    }
    free(ids);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
