/* clusterd_options_t: where the server is and how long to wait. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "private.h"

#define CLIENT_NAME "libclusterd/" CLUSTERD_VERSION_STRING

clusterd_options_t *clusterd_options_new(void) {
    clusterd_options_t *options = calloc(1, sizeof *options);
    if (options == NULL) {
        return NULL;
    }
    options->host = strdup("127.0.0.1");
    options->client_name = strdup(CLIENT_NAME);
    if (options->host == NULL || options->client_name == NULL) {
        clusterd_options_destroy(options);
        return NULL;
    }
    options->port = CLUSTERD_DEFAULT_PORT;
    options->connect_timeout_ms = CLUSTERD_DEFAULT_TIMEOUT_MS;
    options->read_timeout_ms = CLUSTERD_DEFAULT_TIMEOUT_MS;
    options->write_timeout_ms = CLUSTERD_DEFAULT_TIMEOUT_MS;
    return options;
}

void clusterd_options_free_strings(clusterd_options_t *options) {
    free(options->host);
    clusterd_free_secret(options->token);
    free(options->client_name);
    free(options->tls_ca_file);
    free(options->tls_cert_file);
    free(options->tls_key_file);
    free(options->tls_server_name);
    options->host = options->token = options->client_name = NULL;
    options->tls_ca_file = options->tls_cert_file = options->tls_key_file = options->tls_server_name = NULL;
}

/* A copy of value in *slot (NULL stays NULL); false when memory ran out. */
static bool copy_into(char **slot, const char *value) {
    *slot = value != NULL ? strdup(value) : NULL;
    return value == NULL || *slot != NULL;
}

bool clusterd_options_copy_strings(clusterd_options_t *dst, const clusterd_options_t *src) {
    bool ok = copy_into(&dst->host, src->host);
    ok = copy_into(&dst->token, src->token) && ok;
    ok = copy_into(&dst->client_name, src->client_name) && ok;
    ok = copy_into(&dst->tls_ca_file, src->tls_ca_file) && ok;
    ok = copy_into(&dst->tls_cert_file, src->tls_cert_file) && ok;
    ok = copy_into(&dst->tls_key_file, src->tls_key_file) && ok;
    ok = copy_into(&dst->tls_server_name, src->tls_server_name) && ok;
    return ok;
}

void clusterd_options_destroy(clusterd_options_t *options) {
    if (options == NULL) {
        return;
    }
    clusterd_options_free_strings(options);
    free(options);
}

static bool check_options(const clusterd_options_t *options, clusterd_error_t *error) {
    if (options == NULL) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT, "options is NULL");
        return false;
    }
    return true;
}

/* Replaces *slot with a copy of value (NULL stays NULL). */
static bool replace(char **slot, const char *value, clusterd_error_t *error) {
    char *copy = NULL;
    if (value != NULL) {
        copy = strdup(value);
        if (copy == NULL) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
            return false;
        }
    }
    free(*slot);
    *slot = copy;
    return true;
}

bool clusterd_options_set_host(clusterd_options_t *options, const char *host, clusterd_error_t *error) {
    if (!check_options(options, error)) {
        return false;
    }
    if (host == NULL || host[0] == '\0') {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT, "host is empty");
        return false;
    }
    return replace(&options->host, host, error);
}

void clusterd_options_set_port(clusterd_options_t *options, uint16_t port) {
    if (options != NULL) {
        options->port = port != 0 ? port : CLUSTERD_DEFAULT_PORT;
    }
}

static bool parse_port(const char *text, uint16_t *port) {
    if (text[0] < '0' || text[0] > '9') {
        return false;
    }
    char *end = NULL;
    long value = strtol(text, &end, 10);
    if (*end != '\0' || value < 1 || value > 65535) {
        return false;
    }
    *port = (uint16_t)value;
    return true;
}

bool clusterd_options_set_address(clusterd_options_t *options, const char *address, clusterd_error_t *error) {
    if (!check_options(options, error)) {
        return false;
    }
    if (address == NULL || address[0] == '\0') {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT, "address is empty");
        return false;
    }
    const char *host_start = address;
    size_t host_len;
    const char *port_text = NULL;
    const char *first_colon = strchr(address, ':');
    if (address[0] == '[') {
        const char *close = strchr(address, ']');
        if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
            goto invalid;
        }
        host_start = address + 1;
        host_len = (size_t)(close - host_start);
        port_text = close[1] == ':' ? close + 2 : NULL;
    } else if (first_colon != NULL && strchr(first_colon + 1, ':') == NULL) {
        host_len = (size_t)(first_colon - address);
        port_text = first_colon + 1;
    } else {
        host_len = strlen(address); /* no port, or a bare IPv6 address */
    }
    uint16_t port = CLUSTERD_DEFAULT_PORT;
    if (port_text != NULL && !parse_port(port_text, &port)) {
        goto invalid;
    }
    if (address[0] == '[' && host_len == 0) {
        goto invalid;
    }
    char *host = host_len == 0 ? strdup("127.0.0.1") : strndup(host_start, host_len);
    if (host == NULL) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
        return false;
    }
    free(options->host);
    options->host = host;
    options->port = port;
    return true;

invalid:
    clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                       "address must be host:port, [ipv6]:port or host, not \"%.200s\"", address);
    return false;
}

bool clusterd_options_set_token(clusterd_options_t *options, const char *token, clusterd_error_t *error) {
    if (!check_options(options, error)) {
        return false;
    }
    char *copy = NULL;
    if (token != NULL && token[0] != '\0') {
        copy = strdup(token);
        if (copy == NULL) {
            clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_NO_MEMORY, "out of memory");
            return false;
        }
    }
    clusterd_free_secret(options->token);
    options->token = copy;
    return true;
}

bool clusterd_options_set_client_name(clusterd_options_t *options, const char *name, clusterd_error_t *error) {
    if (!check_options(options, error)) {
        return false;
    }
    return replace(&options->client_name, name != NULL ? name : CLIENT_NAME, error);
}

static int timeout_or_default(int timeout_ms) {
    return timeout_ms > 0 ? timeout_ms : CLUSTERD_DEFAULT_TIMEOUT_MS;
}

void clusterd_options_set_connect_timeout_ms(clusterd_options_t *options, int timeout_ms) {
    if (options != NULL) {
        options->connect_timeout_ms = timeout_or_default(timeout_ms);
    }
}

void clusterd_options_set_read_timeout_ms(clusterd_options_t *options, int timeout_ms) {
    if (options != NULL) {
        options->read_timeout_ms = timeout_or_default(timeout_ms);
    }
}

void clusterd_options_set_write_timeout_ms(clusterd_options_t *options, int timeout_ms) {
    if (options != NULL) {
        options->write_timeout_ms = timeout_or_default(timeout_ms);
    }
}

void clusterd_options_set_timeout_ms(clusterd_options_t *options, int timeout_ms) {
    clusterd_options_set_connect_timeout_ms(options, timeout_ms);
    clusterd_options_set_read_timeout_ms(options, timeout_ms);
    clusterd_options_set_write_timeout_ms(options, timeout_ms);
}

void clusterd_options_set_lazy_connect(clusterd_options_t *options, bool lazy) {
    if (options != NULL) {
        options->lazy_connect = lazy;
    }
}

void clusterd_options_set_tls(clusterd_options_t *options, bool tls) {
    if (options != NULL) {
        options->tls = tls;
    }
}

/* NULL or "" clears *slot; anything else is copied into it. */
static bool set_path(clusterd_options_t *options, char **slot, const char *value, clusterd_error_t *error) {
    if (!check_options(options, error)) {
        return false;
    }
    return replace(slot, value != NULL && value[0] != '\0' ? value : NULL, error);
}

bool clusterd_options_set_tls_ca_file(clusterd_options_t *options, const char *path, clusterd_error_t *error) {
    if (!set_path(options, options != NULL ? &options->tls_ca_file : NULL, path, error)) {
        return false;
    }
    if (options->tls_ca_file != NULL) {
        options->tls = true;
    }
    return true;
}

bool clusterd_options_set_tls_client_certificate(clusterd_options_t *options, const char *cert_file,
                                                 const char *key_file, clusterd_error_t *error) {
    if (!check_options(options, error)) {
        return false;
    }
    bool has_cert = cert_file != NULL && cert_file[0] != '\0';
    bool has_key = key_file != NULL && key_file[0] != '\0';
    if (has_cert != has_key) {
        clusterd_error_set(error, CLUSTERD_ERROR_DOMAIN_CLIENT, CLUSTERD_CLIENT_INVALID_ARGUMENT,
                           "a client certificate needs both its file and its key");
        return false;
    }
    return set_path(options, &options->tls_cert_file, cert_file, error) &&
           set_path(options, &options->tls_key_file, key_file, error);
}

bool clusterd_options_set_tls_server_name(clusterd_options_t *options, const char *name, clusterd_error_t *error) {
    return set_path(options, options != NULL ? &options->tls_server_name : NULL, name, error);
}
