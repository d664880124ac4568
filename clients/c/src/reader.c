/* The I/O-free frame reader: 4-byte big-endian length, then that many bytes of body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

struct clusterd_reader {
    uint8_t *buf;
    size_t cap;
    size_t start; /* first byte not yet returned as a frame */
    size_t end;   /* one past the last byte fed */
    size_t max_frame;
    int failed;
    char errstr[128];
};

clusterd_reader_t *clusterd_reader_new(size_t max_frame) {
    clusterd_reader_t *reader = calloc(1, sizeof *reader);
    if (reader == NULL) {
        return NULL;
    }
    reader->max_frame = max_frame == 0 ? CLUSTERD_DEFAULT_MAX_FRAME : max_frame;
    if (reader->max_frame > UINT32_MAX) {
        reader->max_frame = UINT32_MAX;
    }
    return reader;
}

void clusterd_reader_destroy(clusterd_reader_t *reader) {
    if (reader == NULL) {
        return;
    }
    free(reader->buf);
    free(reader);
}

int clusterd_reader_feed(clusterd_reader_t *reader, const uint8_t *data, size_t len) {
    if (reader == NULL || reader->failed) {
        return -1;
    }
    if (len == 0) {
        return 0;
    }
    if (data == NULL) {
        return -1;
    }
    /* Drop the bytes already handed out; this is what invalidates earlier frames. */
    if (reader->start > 0) {
        memmove(reader->buf, reader->buf + reader->start, reader->end - reader->start);
        reader->end -= reader->start;
        reader->start = 0;
    }
    if (len > SIZE_MAX - reader->end) {
        return -1;
    }
    size_t need = reader->end + len;
    if (need > reader->cap) {
        size_t cap = reader->cap == 0 ? 4096 : reader->cap;
        while (cap < need) {
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        }
        uint8_t *grown = realloc(reader->buf, cap);
        if (grown == NULL) {
            return -1;
        }
        reader->buf = grown;
        reader->cap = cap;
    }
    memcpy(reader->buf + reader->end, data, len);
    reader->end += len;
    return 0;
}

int clusterd_reader_next(clusterd_reader_t *reader, const uint8_t **frame, size_t *len) {
    if (reader == NULL || reader->failed) {
        return -1;
    }
    size_t available = reader->end - reader->start;
    if (available < 4) {
        return 0;
    }
    uint32_t body = clusterd_get_be32(reader->buf + reader->start);
    if ((size_t)body > reader->max_frame) {
        /* Refused on the prefix alone: the peer's length is never trusted for buffering. */
        reader->failed = 1;
        snprintf(reader->errstr, sizeof reader->errstr, "frame of %lu bytes exceeds the maximum of %lu bytes",
                 (unsigned long)body, (unsigned long)reader->max_frame);
        return -1;
    }
    if (available - 4 < (size_t)body) {
        return 0;
    }
    static const uint8_t empty[1] = {0};
    if (frame != NULL) {
        *frame = body == 0 ? empty : reader->buf + reader->start + 4;
    }
    if (len != NULL) {
        *len = body;
    }
    reader->start += 4 + (size_t)body;
    if (reader->start == reader->end) {
        reader->start = reader->end = 0; /* buffer empty: cheap reset, frame bytes still in place */
    }
    return 1;
}

size_t clusterd_reader_buffered(const clusterd_reader_t *reader) {
    return reader == NULL ? 0 : reader->end - reader->start;
}

const char *clusterd_reader_errstr(const clusterd_reader_t *reader) {
    if (reader == NULL) {
        return "no reader";
    }
    return reader->failed ? reader->errstr : NULL;
}
