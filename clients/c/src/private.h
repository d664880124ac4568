/* Internal to libclusterd: shared between the source files, never installed. */
#ifndef CLUSTERD_PRIVATE_H
#define CLUSTERD_PRIVATE_H

#include "clusterd/clusterd.h"
#include "clusterd.pb-c.h"

#if defined(__GNUC__) || defined(__clang__)
#define CLUSTERD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CLUSTERD_PRINTF(fmt, args)
#endif

/* Fills error (when non-NULL) with domain, code and a formatted message. */
void clusterd_error_set(clusterd_error_t *error, int domain, int code, const char *fmt, ...)
    CLUSTERD_PRINTF(4, 5);

/* Writes the 4-byte big-endian length prefix. */
void clusterd_put_be32(uint8_t *out, uint32_t value);
uint32_t clusterd_get_be32(const uint8_t *in);

/* A status owns the unpacked reply frame; status points into it. */
struct clusterd_status {
    Clusterd__V1__Frame *frame;
    const Clusterd__V1__Status *status;
};

/* Wraps the generated run summary so that a RunSummary pointer converts to a run pointer. */
struct clusterd_run {
    Clusterd__V1__RunSummary summary;
};

#endif /* CLUSTERD_PRIVATE_H */
