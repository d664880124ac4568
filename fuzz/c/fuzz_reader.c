/* libFuzzer target for the C client's I/O-free frame reader and the protobuf-c decoding it feeds:
 * the input is split into chunks (sizes taken from the input itself), fed to a reader with a small frame
 * limit, and every complete frame is unpacked as a clusterd.v1.Frame and packed again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clusterd/clusterd.h"
#include "clusterd.pb-c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    clusterd_reader_t *reader = clusterd_reader_new(4096);
    if (reader == NULL) return 0;
    size_t offset = 0;
    while (offset < size) {
        size_t chunk = 1 + (data[offset] % 64);
        if (chunk > size - offset) chunk = size - offset;
        if (clusterd_reader_feed(reader, data + offset, chunk) != 0) break;
        offset += chunk;
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
        if (status < 0) break;
    }
    clusterd_reader_destroy(reader);
    return 0;
}
