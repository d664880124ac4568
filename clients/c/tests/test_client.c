/* End-to-end test of libclusterd against a running clusterd:
 *   clusterd-test HOST:PORT [--token T] [--wrong-token] MESSAGE_ID...
 * Triggers each id (QUEUED or ALREADY_QUEUED expected), reads the status (non-empty version,
 * queue capacity > 0), forces a clustering, and checks that an empty id is refused with
 * SERVER/INVALID_ARGUMENT. With --wrong-token it only checks that connecting fails with
 * SERVER/UNAUTHENTICATED. Prints "N passed, M failed"; exits non-zero on any failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
}

static int parse_address(const char *text, char *host, size_t host_size, uint16_t *port) {
    const char *colon = strrchr(text, ':');
    const char *start = text;
    size_t len;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (close == NULL || close[1] != ':') {
            return -1;
        }
        start = text + 1;
        len = (size_t)(close - start);
        colon = close + 1;
    } else {
        if (colon == NULL) {
            return -1;
        }
        len = (size_t)(colon - text);
    }
    char *end = NULL;
    long value = strtol(colon + 1, &end, 10);
    if (*end != '\0' || value <= 0 || value > 65535 || len == 0 || len >= host_size) {
        return -1;
    }
    memcpy(host, start, len);
    host[len] = '\0';
    *port = (uint16_t)value;
    return 0;
}

static const char **ids;

static int finish(void) {
    free(ids);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: clusterd-test HOST:PORT [--token T] [--wrong-token] MESSAGE_ID...\n");
        return 2;
    }
    char host[256];
    uint16_t port;
    if (parse_address(argv[1], host, sizeof host, &port) != 0) {
        fprintf(stderr, "bad address: %s\n", argv[1]);
        return 2;
    }
    /* Options may come before or after the ids; "--" ends the options. */
    const char *token = NULL;
    int wrong_token = 0;
    ids = calloc((size_t)argc, sizeof *ids);
    int n_ids = 0;
    int options = 1;
    for (int i = 2; i < argc; i++) {
        if (options && strcmp(argv[i], "--token") == 0 && i + 1 < argc) {
            token = argv[++i];
        } else if (options && strcmp(argv[i], "--wrong-token") == 0) {
            wrong_token = 1;
        } else if (options && strcmp(argv[i], "--") == 0) {
            options = 0;
        } else {
            ids[n_ids++] = argv[i];
        }
    }

    clusterd_error_t error;
    memset(&error, 0, sizeof error);

    if (wrong_token) {
        char bad[512];
        snprintf(bad, sizeof bad, "%s-wrong", token != NULL ? token : "not-the-token");
        clusterd_client_t *client = clusterd_client_new(host, port, bad, 5000, &error);
        check(client == NULL, "connecting with a wrong token fails", NULL);
        check(client == NULL && error.domain == CLUSTERD_ERROR_DOMAIN_SERVER &&
                  error.code == CLUSTERD_CODE_UNAUTHENTICATED,
              "the failure is SERVER/UNAUTHENTICATED", &error);
        clusterd_client_destroy(client);
        return finish();
    }

    clusterd_client_t *client = clusterd_client_new(host, port, token, 5000, &error);
    check(client != NULL, "connect and hello", &error);
    if (client == NULL) {
        return finish();
    }

    char what[300];
    for (int i = 0; i < n_ids; i++) {
        clusterd_trigger_outcome_t outcome = CLUSTERD_TRIGGER_OUTCOME_UNSPECIFIED;
        memset(&error, 0, sizeof error);
        bool ok = clusterd_client_trigger_analysis(client, ids[i], NULL, &outcome, &error);
        snprintf(what, sizeof what, "trigger %.200s -> %s", ids[i], ok ? clusterd_trigger_outcome_name(outcome) : "error");
        check(ok && (outcome == CLUSTERD_TRIGGER_OUTCOME_QUEUED || outcome == CLUSTERD_TRIGGER_OUTCOME_ALREADY_QUEUED),
              what, &error);
    }

    memset(&error, 0, sizeof error);
    clusterd_status_t *status = clusterd_client_get_status(client, &error);
    check(status != NULL, "get status", &error);
    if (status != NULL) {
        snprintf(what, sizeof what, "status version is non-empty (\"%.100s\")", clusterd_status_get_version(status));
        check(clusterd_status_get_version(status)[0] != '\0', what, NULL);
        snprintf(what, sizeof what, "status queue capacity > 0 (%u)",
                 (unsigned)clusterd_status_get_queue_capacity(status));
        check(clusterd_status_get_queue_capacity(status) > 0, what, NULL);
        clusterd_status_destroy(status);
    }

    memset(&error, 0, sizeof error);
    bool follow_up = false;
    check(clusterd_client_force_clustering(client, &follow_up, &error), "force clustering", &error);

    memset(&error, 0, sizeof error);
    bool ok = clusterd_client_trigger_analysis(client, "", NULL, NULL, &error);
    check(!ok && error.domain == CLUSTERD_ERROR_DOMAIN_SERVER && error.code == CLUSTERD_CODE_INVALID_ARGUMENT,
          "trigger with an empty id is SERVER/INVALID_ARGUMENT", ok ? NULL : &error);

    memset(&error, 0, sizeof error);
    status = clusterd_client_get_status(client, &error);
    check(status != NULL, "the connection is still usable after an error reply", &error);
    clusterd_status_destroy(status);

    clusterd_client_destroy(client);
    return finish();
}
