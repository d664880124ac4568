/* What the C fuzz targets do with the frames a reader yields: each one unpacked as a clusterd.v1.Frame and packed
 * again (its size must match); a frame over the reader's 4096-byte limit aborts. */
#ifndef CLUSTERD_FUZZ_FRAMES_H
#define CLUSTERD_FUZZ_FRAMES_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "clusterd/clusterd.h"
#include "clusterd.pb-c.h"

/* Every complete frame in the reader, unpacked and packed again; returns the reader's last status (0: needs more
 * bytes, < 0: a framing error). */
static inline int fuzz_drain_frames(clusterd_reader_t *reader) {
    const uint8_t *frame = NULL;
    size_t length = 0;
    int status;
    while ((status = clusterd_reader_next(reader, &frame, &length)) == 1) {
        if (length > 4096) abort(); /* the limit must hold */
        Clusterd__V1__Frame *message = clusterd__v1__frame__unpack(NULL, length, frame);
        if (message != NULL) {
            size_t packed_size = clusterd__v1__frame__get_packed_size(message);
            uint8_t *packed = malloc(packed_size ? packed_size : 1);
            if (packed != NULL) {
                if (clusterd__v1__frame__pack(message, packed) != packed_size) abort();
                free(packed);
            }
            clusterd__v1__frame__free_unpacked(message, NULL);
        }
    }
    return status;
}

#endif
