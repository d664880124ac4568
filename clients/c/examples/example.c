/* clusterd-example [HOST:PORT] COMMAND
 *   status              the server's status
 *   force               run a clustering now
 *   trigger ID...       trigger analysis of each message id
 *   backfill            trigger the ids read from stdin (one per line), in batches
 *   runs [LIMIT]        the most recent clustering runs
 *   clusters [RUN_ID]   the clusters of the latest successful run (or of RUN_ID)
 * A small demonstration of libclusterd. The token, when the server needs one, comes from the
 * CLUSTERD_TOKEN environment variable. Exit status: 0 ok, 1 a call failed, 2 usage. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusterd/clusterd.h"

static int usage(void) {
    fprintf(stderr, "usage: clusterd-example [HOST:PORT] status|force|trigger ID...|backfill|runs [LIMIT]|"
                    "clusters [RUN_ID]\n");
    return 2;
}

static int fail(const char *what, const clusterd_error_t *error) {
    fprintf(stderr, "%s failed (%s", what, clusterd_error_domain_name(error->domain));
    if (error->domain == CLUSTERD_ERROR_DOMAIN_SERVER) {
        fprintf(stderr, " %s", clusterd_code_name(error->code));
    }
    fprintf(stderr, "): %s\n", error->message);
    return 1;
}

static void print_run(const char *label, const clusterd_run_t *run) {
    if (run == NULL) {
        printf("%-31s none\n", label);
        return;
    }
    printf("%-31s %s %s: %llu conversations, %u clusters, %llu ms%s%s\n", label, clusterd_run_get_id(run),
           clusterd_run_get_status(run), (unsigned long long)clusterd_run_get_total_conversations(run),
           (unsigned)clusterd_run_get_clusters_created(run), (unsigned long long)clusterd_run_get_duration_ms(run),
           clusterd_run_get_error(run)[0] != '\0' ? " - " : "", clusterd_run_get_error(run));
}

static int status_command(clusterd_client_t *client) {
    clusterd_error_t error;
    clusterd_status_t *status = NULL;
    if (!clusterd_client_get_status(client, &status, &error)) {
        return fail("status", &error);
    }
    printf("version:                        %s\n", clusterd_status_get_version(status));
    printf("enabled:                        %s\n", clusterd_status_get_enabled(status) ? "yes" : "no");
    printf("clustering_in_progress:         %s %s\n", clusterd_status_get_clustering_in_progress(status) ? "yes" : "no",
           clusterd_status_get_clustering_stage(status));
    printf("unprocessed_messages:           %llu\n",
           (unsigned long long)clusterd_status_get_unprocessed_messages(status));
    printf("minutes_since_last_clustering:  %lld\n",
           (long long)clusterd_status_get_minutes_since_last_clustering(status));
    printf("should_trigger_clustering:      %s (%s)\n",
           clusterd_status_get_should_trigger_clustering(status) ? "yes" : "no",
           clusterd_status_get_trigger_reason(status));
    printf("queue:                          %u / %u\n", (unsigned)clusterd_status_get_queue_depth(status),
           (unsigned)clusterd_status_get_queue_capacity(status));
    printf("analysed / failed:              %llu / %llu\n",
           (unsigned long long)clusterd_status_get_analyzed_total(status),
           (unsigned long long)clusterd_status_get_failed_total(status));
    printf("embedder:                       %s\n", clusterd_status_get_embedder(status));
    for (size_t i = 0; i < clusterd_status_get_degraded_count(status); i++) {
        printf("degraded:                       %s\n", clusterd_status_get_degraded(status, i));
    }
    print_run("latest successful run:", clusterd_status_get_latest_run(status));
    clusterd_status_destroy(status);
    return 0;
}

static int force_command(clusterd_client_t *client) {
    clusterd_error_t error;
    bool started = false;
    bool follow_up = false;
    if (!clusterd_client_force_clustering(client, &started, &follow_up, &error)) {
        return fail("force", &error);
    }
    puts(started     ? "clustering started"
         : follow_up ? "a run is in progress; one follow-up run is queued"
                     : "a run is already queued");
    return 0;
}

static int trigger_command(clusterd_client_t *client, int count, char **ids) {
    int rc = 0;
    for (int i = 0; i < count; i++) {
        clusterd_error_t error;
        clusterd_trigger_outcome_t outcome;
        if (clusterd_client_trigger_analysis(client, ids[i], NULL, &outcome, &error)) {
            printf("%s\t%s\n", ids[i], clusterd_trigger_outcome_name(outcome));
        } else {
            char what[300];
            snprintf(what, sizeof what, "trigger \"%.200s\"", ids[i]);
            rc = fail(what, &error);
        }
    }
    return rc;
}

/* Sends the ids gathered so far as one batch and prints one line per id. */
static int send_batch(clusterd_client_t *client, char **ids, size_t count) {
    clusterd_error_t error;
    clusterd_trigger_batch_t *batch = NULL;
    if (!clusterd_client_trigger_analysis_batch(client, (const char *const *)ids, NULL, count, &batch, &error)) {
        return fail("batch trigger", &error);
    }
    int rc = 0;
    for (size_t i = 0; i < clusterd_trigger_batch_get_count(batch); i++) {
        clusterd_code_t code = clusterd_trigger_batch_get_code(batch, i);
        if (code == CLUSTERD_CODE_OK) {
            printf("%s\t%s\n", ids[i], clusterd_trigger_outcome_name(clusterd_trigger_batch_get_outcome(batch, i)));
        } else {
            fprintf(stderr, "%s\t%s: %s\n", ids[i], clusterd_code_name(code), clusterd_trigger_batch_get_message(batch, i));
            rc = 1;
        }
    }
    fprintf(stderr, "batch of %zu: %zu accepted, queue depth %u\n", count, clusterd_trigger_batch_get_accepted_count(batch),
            (unsigned)clusterd_trigger_batch_get_queue_depth(batch));
    clusterd_trigger_batch_destroy(batch);
    return rc;
}

static int backfill_command(clusterd_client_t *client) {
    enum { BATCH = 1000 };
    char *ids[BATCH];
    size_t count = 0;
    int rc = 0;
    char line[2048];
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0') {
            continue;
        }
        ids[count] = strdup(line);
        if (ids[count] == NULL) {
            fprintf(stderr, "out of memory\n");
            rc = 1;
            break;
        }
        if (++count == BATCH) {
            rc |= send_batch(client, ids, count);
            while (count > 0) {
                free(ids[--count]);
            }
        }
    }
    if (count > 0) {
        rc |= send_batch(client, ids, count);
        while (count > 0) {
            free(ids[--count]);
        }
    }
    return rc;
}

static int runs_command(clusterd_client_t *client, uint32_t limit) {
    clusterd_error_t error;
    clusterd_run_list_t *runs = NULL;
    if (!clusterd_client_list_runs(client, limit, &runs, &error)) {
        return fail("runs", &error);
    }
    for (size_t i = 0; i < clusterd_run_list_get_count(runs); i++) {
        print_run("run:", clusterd_run_list_get(runs, i));
    }
    clusterd_run_list_destroy(runs);
    return 0;
}

static int clusters_command(clusterd_client_t *client, const char *run_id) {
    clusterd_error_t error;
    clusterd_cluster_list_t *clusters = NULL;
    if (!clusterd_client_list_clusters(client, run_id, &clusters, &error)) {
        return fail("clusters", &error);
    }
    print_run("run:", clusterd_cluster_list_get_run(clusters));
    for (size_t i = 0; i < clusterd_cluster_list_get_count(clusters); i++) {
        const clusterd_cluster_t *cluster = clusterd_cluster_list_get(clusters, i);
        printf("  %s  %3llu  %-28s ", clusterd_cluster_get_stable_id(cluster),
               (unsigned long long)clusterd_cluster_get_size(cluster), clusterd_cluster_get_name(cluster));
        for (size_t c = 0; c < clusterd_cluster_get_top_concept_count(cluster) && c < 4; c++) {
            printf("%s%s", c > 0 ? ", " : "", clusterd_cluster_get_top_concept(cluster, c));
        }
        printf("\n");
    }
    clusterd_cluster_list_destroy(clusters);
    return 0;
}

static int is_command(const char *text) {
    const char *commands[] = {"status", "force", "trigger", "backfill", "runs", "clusters"};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(text, commands[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    clusterd_error_t error;
    clusterd_options_t *options = clusterd_options_new();
    if (options == NULL) {
        return 1;
    }
    int arg = 1;
    if (arg < argc && !is_command(argv[arg])) {
        if (!clusterd_options_set_address(options, argv[arg], &error)) {
            clusterd_options_destroy(options);
            fprintf(stderr, "%s\n", error.message);
            return usage();
        }
        arg++;
    }
    if (arg >= argc) {
        clusterd_options_destroy(options);
        return usage();
    }
    const char *command = argv[arg++];
    clusterd_options_set_client_name(options, "clusterd-example", NULL);
    clusterd_options_set_token(options, getenv("CLUSTERD_TOKEN"), NULL);
    clusterd_options_set_connect_timeout_ms(options, 3000);
    clusterd_options_set_read_timeout_ms(options, 10000);

    clusterd_client_t *client = clusterd_client_new(options, &error);
    clusterd_options_destroy(options); /* the client keeps its own copy */
    if (client == NULL) {
        return fail("connect", &error);
    }
    int rc;
    if (strcmp(command, "status") == 0 && arg == argc) {
        rc = status_command(client);
    } else if (strcmp(command, "force") == 0 && arg == argc) {
        rc = force_command(client);
    } else if (strcmp(command, "trigger") == 0 && arg < argc) {
        rc = trigger_command(client, argc - arg, argv + arg);
    } else if (strcmp(command, "backfill") == 0 && arg == argc) {
        rc = backfill_command(client);
    } else if (strcmp(command, "runs") == 0 && argc - arg <= 1) {
        rc = runs_command(client, arg < argc ? (uint32_t)strtoul(argv[arg], NULL, 10) : 10);
    } else if (strcmp(command, "clusters") == 0 && argc - arg <= 1) {
        rc = clusters_command(client, arg < argc ? argv[arg] : NULL);
    } else {
        rc = usage();
    }
    clusterd_client_destroy(client);
    return rc;
}
