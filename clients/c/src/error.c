/* Error helpers, name tables, version, small string helpers. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "private.h"

void clusterd_error_set(clusterd_error_t *error, int domain, int code, const char *fmt, ...) {
    if (error == NULL) {
        return;
    }
    error->domain = domain;
    error->code = code;
    va_list args;
    va_start(args, fmt);
    vsnprintf(error->message, sizeof error->message, fmt, args);
    va_end(args);
}

void clusterd_put_be32(uint8_t *out, uint32_t value) {
    out[0] = (uint8_t)(value >> 24);
    out[1] = (uint8_t)(value >> 16);
    out[2] = (uint8_t)(value >> 8);
    out[3] = (uint8_t)value;
}

uint32_t clusterd_get_be32(const uint8_t *in) {
    return ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) | ((uint32_t)in[2] << 8) | (uint32_t)in[3];
}

const char *clusterd_version(void) {
    return CLUSTERD_VERSION_STRING;
}

unsigned clusterd_version_number(void) {
    return CLUSTERD_VERSION_NUMBER;
}

void clusterd_free_secret(char *secret) {
    if (secret == NULL) {
        return;
    }
    volatile char *p = secret;
    while (*p != '\0') {
        *p++ = '\0';
    }
    free(secret);
}

const char *clusterd_code_name(int code) {
    switch (code) {
    case CLUSTERD_CODE_OK: return "OK";
    case CLUSTERD_CODE_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case CLUSTERD_CODE_NOT_FOUND: return "NOT_FOUND";
    case CLUSTERD_CODE_RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case CLUSTERD_CODE_FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case CLUSTERD_CODE_UNIMPLEMENTED: return "UNIMPLEMENTED";
    case CLUSTERD_CODE_INTERNAL: return "INTERNAL";
    case CLUSTERD_CODE_UNAVAILABLE: return "UNAVAILABLE";
    case CLUSTERD_CODE_UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
    }
}

const char *clusterd_error_domain_name(int domain) {
    switch (domain) {
    case CLUSTERD_ERROR_DOMAIN_IO: return "io";
    case CLUSTERD_ERROR_DOMAIN_PROTOCOL: return "protocol";
    case CLUSTERD_ERROR_DOMAIN_SERVER: return "server";
    case CLUSTERD_ERROR_DOMAIN_CLIENT: return "client";
    default: return "unknown";
    }
}

const char *clusterd_trigger_outcome_name(int outcome) {
    switch (outcome) {
    case CLUSTERD_TRIGGER_OUTCOME_UNSPECIFIED: return "UNSPECIFIED";
    case CLUSTERD_TRIGGER_OUTCOME_QUEUED: return "QUEUED";
    case CLUSTERD_TRIGGER_OUTCOME_ALREADY_QUEUED: return "ALREADY_QUEUED";
    case CLUSTERD_TRIGGER_OUTCOME_RECORDED: return "RECORDED";
    default: return "UNKNOWN";
    }
}
