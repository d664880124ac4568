/* Unit tests of the I/O-free frame reader. No server, no sockets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusterd/clusterd.h"

#include "check.h"

static size_t put_frame(uint8_t *out, const char *body) {
    size_t len = strlen(body);
    out[0] = (uint8_t)(len >> 24);
    out[1] = (uint8_t)(len >> 16);
    out[2] = (uint8_t)(len >> 8);
    out[3] = (uint8_t)len;
    memcpy(out + 4, body, len);
    return 4 + len;
}

/* Two concatenated frames, split at every position, each half fed byte by byte or at once:
 * both frames come out intact, in order, and never early. */
static void test_every_split(void) {
    const char *first = "hello, frame one";
    const char *second = "and the second frame, a bit longer";
    uint8_t stream[128];
    size_t total = put_frame(stream, first);
    total += put_frame(stream + total, second);
    int mismatches = 0;
    for (size_t split = 0; split <= total; split++) {
        for (int bytewise = 0; bytewise < 2; bytewise++) {
            clusterd_reader_t *reader = clusterd_reader_new(1024);
            const char *expected[2] = {first, second};
            int seen = 0;
            size_t fed = 0;
            while (fed < total) {
                size_t step = bytewise ? 1 : (fed < split ? split - fed : total - fed);
                if (clusterd_reader_feed(reader, stream + fed, step) != 0) {
                    mismatches++;
                    break;
                }
                fed += step;
                const uint8_t *frame;
                size_t len;
                int rc;
                while ((rc = clusterd_reader_next(reader, &frame, &len)) == 1) {
                    if (seen >= 2 || len != strlen(expected[seen]) || memcmp(frame, expected[seen], len) != 0) {
                        mismatches++;
                    }
                    seen++;
                }
                if (rc != 0) {
                    mismatches++;
                }
                /* A frame is complete only once all of its bytes are in. */
                size_t first_end = 4 + strlen(first);
                if ((fed < first_end && seen != 0) || (fed >= first_end && fed < total && seen != 1)) {
                    mismatches++;
                }
            }
            if (seen != 2 || clusterd_reader_buffered(reader) != 0) {
                mismatches++;
            }
            clusterd_reader_destroy(reader);
        }
    }
    CHECK(mismatches == 0);
}

/* A length above the maximum is refused from the 4-byte prefix alone, and the reader stays failed. */
static void test_oversize_refused_before_body(void) {
    clusterd_reader_t *reader = clusterd_reader_new(16);
    const uint8_t prefix[4] = {0x00, 0x00, 0x00, 17};
    const uint8_t *frame = NULL;
    size_t len = 0;
    CHECK(clusterd_reader_errstr(reader) == NULL);
    CHECK(clusterd_reader_feed(reader, prefix, 3) == 0);
    CHECK(clusterd_reader_next(reader, &frame, &len) == 0);
    CHECK(clusterd_reader_feed(reader, prefix + 3, 1) == 0);
    CHECK(clusterd_reader_next(reader, &frame, &len) == -1);
    CHECK(clusterd_reader_errstr(reader) != NULL && strstr(clusterd_reader_errstr(reader), "17") != NULL);
    CHECK(clusterd_reader_next(reader, &frame, &len) == -1);
    CHECK(clusterd_reader_feed(reader, prefix, 1) == -1);
    clusterd_reader_destroy(reader);

    /* 4 GiB - 1 announced: refused without allocating anything like it. */
    reader = clusterd_reader_new(0);
    const uint8_t huge[4] = {0xff, 0xff, 0xff, 0xff};
    CHECK(clusterd_reader_feed(reader, huge, 4) == 0);
    CHECK(clusterd_reader_next(reader, &frame, &len) == -1);
    clusterd_reader_destroy(reader);

    /* Exactly the maximum is fine. */
    reader = clusterd_reader_new(16);
    uint8_t exact[20] = {0x00, 0x00, 0x00, 16};
    memset(exact + 4, 'x', 16);
    CHECK(clusterd_reader_feed(reader, exact, sizeof exact) == 0);
    CHECK(clusterd_reader_next(reader, &frame, &len) == 1 && len == 16 && frame[15] == 'x');
    clusterd_reader_destroy(reader);
}

/* A zero-length frame (an all-default protobuf message) is a frame, not "need more". */
static void test_zero_length_frame(void) {
    clusterd_reader_t *reader = clusterd_reader_new(64);
    uint8_t stream[16];
    size_t total = put_frame(stream, "");
    total += put_frame(stream + total, "ab");
    CHECK(clusterd_reader_feed(reader, stream, total) == 0);
    const uint8_t *frame = NULL;
    size_t len = 99;
    CHECK(clusterd_reader_next(reader, &frame, &len) == 1);
    CHECK(len == 0 && frame != NULL);
    CHECK(clusterd_reader_next(reader, &frame, &len) == 1);
    CHECK(len == 2 && memcmp(frame, "ab", 2) == 0);
    CHECK(clusterd_reader_next(reader, &frame, &len) == 0);
    CHECK(clusterd_reader_buffered(reader) == 0);
    clusterd_reader_destroy(reader);
}

/* Many frames through one reader: the buffer is reused, not grown without bound. */
static void test_many_frames_and_misc(void) {
    clusterd_reader_t *reader = clusterd_reader_new(64);
    uint8_t stream[64];
    size_t total = put_frame(stream, "0123456789");
    int ok = 1;
    for (int i = 0; i < 10000; i++) {
        const uint8_t *frame;
        size_t len;
        ok &= clusterd_reader_feed(reader, stream, 7) == 0;
        ok &= clusterd_reader_next(reader, &frame, &len) == 0;
        ok &= clusterd_reader_feed(reader, stream + 7, total - 7) == 0;
        ok &= clusterd_reader_next(reader, &frame, &len) == 1 && len == 10 && memcmp(frame, "0123456789", 10) == 0;
    }
    CHECK(ok);
    CHECK(clusterd_reader_feed(reader, NULL, 0) == 0);
    CHECK(clusterd_reader_next(NULL, NULL, NULL) == -1);
    CHECK(clusterd_reader_feed(NULL, stream, 1) == -1);
    clusterd_reader_destroy(reader);
    clusterd_reader_destroy(NULL);
    CHECK(strcmp(clusterd_version(), CLUSTERD_VERSION_STRING) == 0);
}

int main(void) {
    test_every_split();
    test_oversize_refused_before_body();
    test_zero_length_frame();
    test_many_frames_and_misc();
    printf("test-reader: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
