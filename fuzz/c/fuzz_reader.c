/* libFuzzer target for the C client's I/O-free frame reader and the protobuf-c decoding it feeds:
 * the input is split into chunks (sizes taken from the input itself), fed to a reader with a small frame
 * limit, and every complete frame is unpacked as a clusterd.v1.Frame and packed again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_frames.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    clusterd_reader_t *reader = clusterd_reader_new(4096);
    if (reader == NULL) return 0;
    size_t offset = 0;
    while (offset < size) {
        size_t chunk = 1 + (data[offset] % 64);
        if (chunk > size - offset) chunk = size - offset;
        if (clusterd_reader_feed(reader, data + offset, chunk) != 0) break;
        offset += chunk;
        int status = fuzz_drain_frames(reader);
        if (status < 0) break;
    }
    clusterd_reader_destroy(reader);
    return 0;
}
