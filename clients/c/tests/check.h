/* The tiny assertion counter shared by the C unit tests: CHECK counts a pass or prints the failed condition. */
#ifndef CLUSTERD_TESTS_CHECK_H
#define CLUSTERD_TESTS_CHECK_H

#include <stdio.h>

static int passed;
static int failed;

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (cond) {                                                                                                    \
            passed++;                                                                                                  \
        } else {                                                                                                       \
            failed++;                                                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                                 \
        }                                                                                                              \
    } while (0)

#endif
