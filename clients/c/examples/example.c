/* clusterd-example [HOST:PORT] status|force|trigger ID...
 * A small demonstration of libclusterd. The token, when the server needs one, comes from
 * the CLUSTERD_TOKEN environment variable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusterd/clusterd.h"

/* "host:port", "[v6]:port" or "host" (default port). Writes host into out. */
static int parse_address(const char *text, char *host, size_t host_size, uint16_t *port) {
    const char *colon = strrchr(text, ':');
    const char *start = text;
    size_t len = strlen(text);
    *port = CLUSTERD_DEFAULT_PORT;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (close == NULL) {
            return -1;
        }
        start = text + 1;
        len = (size_t)(close - start);
        colon = close[1] == ':' ? close + 1 : NULL;
    } else if (colon != NULL) {
        len = (size_t)(colon - text);
    }
    if (colon != NULL) {
        char *end = NULL;
        long value = strtol(colon + 1, &end, 10);
        if (*end != '\0' || value <= 0 || value > 65535) {
            return -1;
        }
        *port = (uint16_t)value;
    }
    if (len == 0 || len >= host_size) {
        return -1;
    }
    memcpy(host, start, len);
    host[len] = '\0';
    return 0;
}

static int usage(void) {
    fprintf(stderr, "usage: clusterd-example [HOST:PORT] status|force|trigger ID...\n");
    return 2;
}

static void print_error(const char *what, const clusterd_error_t *error) {
    fprintf(stderr, "%s failed (%s", what, clusterd_error_domain_name(error->domain));
    if (error->domain == CLUSTERD_ERROR_DOMAIN_SERVER) {
        fprintf(stderr, " %s", clusterd_code_name(error->code));
    }
    fprintf(stderr, "): %s\n", error->message);
}

static void print_status(const clusterd_status_t *status) {
    printf("version:                       %s\n", clusterd_status_get_version(status));
    printf("enabled:                       %s\n", clusterd_status_get_enabled(status) ? "yes" : "no");
    printf("clustering_in_progress:        %s\n", clusterd_status_get_clustering_in_progress(status) ? "yes" : "no");
    printf("clustering_stage:              %s\n", clusterd_status_get_clustering_stage(status));
    printf("unprocessed_messages:          %llu\n",
           (unsigned long long)clusterd_status_get_unprocessed_messages(status));
    printf("minutes_since_last_clustering: %lld\n",
           (long long)clusterd_status_get_minutes_since_last_clustering(status));
    printf("should_trigger_clustering:     %s (%s)\n",
           clusterd_status_get_should_trigger_clustering(status) ? "yes" : "no",
           clusterd_status_get_trigger_reason(status));
    printf("queue:                         %u / %u\n", (unsigned)clusterd_status_get_queue_depth(status),
           (unsigned)clusterd_status_get_queue_capacity(status));
    printf("analyzed / failed:             %llu / %llu\n",
           (unsigned long long)clusterd_status_get_analyzed_total(status),
           (unsigned long long)clusterd_status_get_failed_total(status));
    printf("embedder:                      %s\n", clusterd_status_get_embedder(status));
    for (size_t i = 0; i < clusterd_status_get_degraded_count(status); i++) {
        printf("degraded:                      %s\n", clusterd_status_get_degraded(status, i));
    }
    const clusterd_run_t *run = clusterd_status_get_latest_run(status);
    if (run != NULL) {
        printf("latest run:                    %s (%s): %llu conversations, %u clusters\n",
               clusterd_run_get_id(run), clusterd_run_get_status(run),
               (unsigned long long)clusterd_run_get_total_conversations(run),
               (unsigned)clusterd_run_get_clusters_created(run));
    } else {
        printf("latest run:                    none\n");
    }
}

int main(int argc, char **argv) {
    int arg = 1;
    char host[256] = "127.0.0.1";
    uint16_t port = CLUSTERD_DEFAULT_PORT;
    if (arg < argc && strcmp(argv[arg], "status") != 0 && strcmp(argv[arg], "force") != 0 &&
        strcmp(argv[arg], "trigger") != 0) {
        if (parse_address(argv[arg], host, sizeof host, &port) != 0) {
            fprintf(stderr, "bad address: %s\n", argv[arg]);
            return usage();
        }
        arg++;
    }
    if (arg >= argc) {
        return usage();
    }
    const char *command = argv[arg++];

    clusterd_error_t error;
    clusterd_client_t *client = clusterd_client_new(host, port, getenv("CLUSTERD_TOKEN"), 5000, &error);
    if (client == NULL) {
        print_error("connect", &error);
        return 1;
    }
    int rc = 0;
    if (strcmp(command, "status") == 0) {
        clusterd_status_t *status = clusterd_client_get_status(client, &error);
        if (status != NULL) {
            print_status(status);
            clusterd_status_destroy(status);
        } else {
            print_error("status", &error);
            rc = 1;
        }
    } else if (strcmp(command, "force") == 0) {
        bool follow_up = false;
        if (clusterd_client_force_clustering(client, &follow_up, &error)) {
            puts(follow_up ? "a run is in progress; one follow-up run queued" : "clustering started");
        } else {
            print_error("force", &error);
            rc = 1;
        }
    } else if (strcmp(command, "trigger") == 0 && arg < argc) {
        for (; arg < argc; arg++) {
            clusterd_trigger_outcome_t outcome;
            if (clusterd_client_trigger_analysis(client, argv[arg], NULL, &outcome, &error)) {
                printf("%s: %s\n", argv[arg], clusterd_trigger_outcome_name(outcome));
            } else {
                char what[300];
                snprintf(what, sizeof what, "trigger \"%.200s\"", argv[arg]);
                print_error(what, &error);
                rc = 1;
            }
        }
    } else {
        rc = usage();
    }
    clusterd_client_destroy(client);
    return rc;
}
