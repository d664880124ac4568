#include "cluster_kernels.h"

#include <math.h>
#include <stddef.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CK_X86 1
#endif

/// Candidates per tile of `cluster_kernels_candidate_distances` (2 rows × 6 candidates: 12 accumulators, with the
/// two rows' and one candidate's loads, in the 16 AVX2 registers).
#define TILE_COLUMNS 6
/// Rows per block of `cluster_kernels_candidate_distances`: a block (192 KiB at 384 floats a row) stays in L2 while
/// every group of candidates reads it, so each row comes from memory once per call.
#define BLOCK_ROWS 128

/// The squared distance from dot product `dot` (norms `a`, `b`), at least 0.
static inline double squared_distance(double a, double b, float dot) {
    double value = a + b - 2.0 * (double)dot;
    return value > 0 ? value : 0;
}

/// Records the distances of row `i` to candidates `first ..< first + count` from their dot products.
static inline void record(
    const float *dots, int64_t i, int64_t first, int64_t count, int64_t stride, const double *point_norms,
    const double *candidate_norms, const int64_t *candidate_rows, const double *closest, double *distances,
    double *potentials) {
    for (int64_t j = 0; j < count; j++) {
        double distance = candidate_rows && candidate_rows[first + j] == i
            ? 0
            : squared_distance(point_norms[i], candidate_norms[first + j], dots[j]);
        distances[(first + j) * stride + i] = distance;
        potentials[first + j] += distance < closest[i] ? distance : closest[i];
    }
}

/// The dot product of `d` floats at `a` and `b`, in 8 interleaved partial sums (so that the compiler vectorises it
/// without reassociating: SSE2 on any x86-64).
static inline float dot_portable(const float *a, const float *b, int64_t d) {
    float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t p = 0;
    for (; p + 8 <= d; p += 8)
        for (int lane = 0; lane < 8; lane++) lanes[lane] += a[p + lane] * b[p + lane];
    float sum = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
    for (; p < d; p++) sum += a[p] * b[p];
    return sum;
}

static void candidate_distances_portable(
    const float *points, const double *point_norms, int64_t n, int64_t d, const float *candidates,
    const double *candidate_norms, int64_t m, const int64_t *candidate_rows, const double *closest, double *distances,
    int64_t stride, double *potentials) {
    float dots[TILE_COLUMNS];
    for (int64_t first = 0; first < m; first += TILE_COLUMNS) {
        int64_t count = m - first < TILE_COLUMNS ? m - first : TILE_COLUMNS;
        for (int64_t i = 0; i < n; i++) {
            const float *x = points + i * d;
            for (int64_t j = 0; j < count; j++) dots[j] = dot_portable(x, candidates + (first + j) * d, d);
            record(dots, i, first, count, stride, point_norms, candidate_norms, candidate_rows, closest, distances,
                potentials);
        }
    }
}

/// Continues the nearest-centroid scan of the products `p` of one row from column `start`: the lowest
/// centroid_norms[c] − 2 p[c] so far in `best_value`, its column in `best` (the first on ties).
static inline void scan_columns(
    const float *p, const float *centroid_norms, int64_t start, int64_t columns, int64_t *best, float *best_value) {
    for (int64_t c = start; c < columns; c++) {
        float value = centroid_norms[c] - (p[c] + p[c]);
        if (value < *best_value) {
            *best_value = value;
            *best = c;
        }
    }
}

/// Writes row `row`'s nearest column and its squared distance, max(0, ‖x‖² + the lowest value).
static inline void store_nearest(
    int64_t row, int64_t best, float best_value, const double *point_norms, int64_t *nearest, double *squared) {
    double distance = point_norms[row] + (double)best_value;
    nearest[row] = best;
    squared[row] = distance > 0 ? distance : 0;
}

static void nearest_portable(
    const float *products, int64_t rows, int64_t columns, const float *centroid_norms, const double *point_norms,
    int64_t *nearest, double *squared) {
    for (int64_t row = 0; row < rows; row++) {
        const float *p = products + row * columns;
        int64_t best = 0;
        float best_value = centroid_norms[0] - (p[0] + p[0]);
        scan_columns(p, centroid_norms, 1, columns, &best, &best_value);
        store_nearest(row, best, best_value, point_norms, nearest, squared);
    }
}


static void normalize_rows_portable(float *values, int64_t n, int64_t d, double *squared_norms) {
    for (int64_t i = 0; i < n; i++) {
        float *row = values + i * d;
        float sum = dot_portable(row, row, d);
        if (sum > 0) {
            float scale = 1 / sqrtf(sum);
            for (int64_t p = 0; p < d; p++) row[p] *= scale;
            sum = dot_portable(row, row, d);
        }
        squared_norms[i] = sum;
    }
}

static void assigned_dots_portable(
    const float *points, int64_t n, int64_t d, const float *centroids, const int64_t *assignments, float *dots) {
    for (int64_t i = 0; i < n; i++) dots[i] = dot_portable(points + i * d, centroids + assignments[i] * d, d);
}

#ifdef CK_X86
#define CK_TARGET __attribute__((target("avx2,fma")))

CK_TARGET static inline float horizontal_sum(__m256 v) {
    __m128 low = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    low = _mm_add_ps(low, _mm_movehl_ps(low, low));
    low = _mm_add_ss(low, _mm_movehdup_ps(low));
    return _mm_cvtss_f32(low);
}

/// Dot products of ROWS rows (1 or 2) at `x` with COLUMNS candidates (1 ... TILE_COLUMNS) at `c`, into
/// dots[r * TILE_COLUMNS + j]: each coordinate of a row loaded once for every candidate.
CK_TARGET static inline __attribute__((always_inline)) void tile(
    int rows, int columns, const float *x, const float *c, int64_t d, float *dots) {
    __m256 acc[2][TILE_COLUMNS];
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < columns; j++) acc[r][j] = _mm256_setzero_ps();
    int64_t p = 0;
    for (; p + 8 <= d; p += 8) {
        __m256 xv[2];
        for (int r = 0; r < rows; r++) xv[r] = _mm256_loadu_ps(x + r * d + p);
        for (int j = 0; j < columns; j++) {
            __m256 cv = _mm256_loadu_ps(c + j * d + p);
            for (int r = 0; r < rows; r++) acc[r][j] = _mm256_fmadd_ps(xv[r], cv, acc[r][j]);
        }
    }
    for (int r = 0; r < rows; r++) {
        for (int j = 0; j < columns; j++) {
            float sum = horizontal_sum(acc[r][j]);
            for (int64_t q = p; q < d; q++) sum += x[r * d + q] * c[j * d + q];
            dots[r * TILE_COLUMNS + j] = sum;
        }
    }
}

/// `tile` with its shape as constants (so each shape's accumulators live in registers).
CK_TARGET static void tile_dispatch(int rows, int columns, const float *x, const float *c, int64_t d, float *dots) {
#define CK_TILE(R, C) \
    case (R) * 8 + (C): tile(R, C, x, c, d, dots); return;
    switch (rows * 8 + columns) {
        CK_TILE(1, 1) CK_TILE(1, 2) CK_TILE(1, 3) CK_TILE(1, 4) CK_TILE(1, 5) CK_TILE(1, 6)
        CK_TILE(2, 1) CK_TILE(2, 2) CK_TILE(2, 3) CK_TILE(2, 4) CK_TILE(2, 5) CK_TILE(2, 6)
    default: return;
    }
#undef CK_TILE
}

CK_TARGET static void candidate_distances_avx2(
    const float *points, const double *point_norms, int64_t n, int64_t d, const float *candidates,
    const double *candidate_norms, int64_t m, const int64_t *candidate_rows, const double *closest, double *distances,
    int64_t stride, double *potentials) {
    float dots[2 * TILE_COLUMNS];
    for (int64_t block = 0; block < n; block += BLOCK_ROWS) {
        int64_t end = n - block < BLOCK_ROWS ? n : block + BLOCK_ROWS;
        for (int64_t first = 0; first < m; first += TILE_COLUMNS) {
            int columns = (int)(m - first < TILE_COLUMNS ? m - first : TILE_COLUMNS);
            const float *c = candidates + first * d;
            for (int64_t i = block; i < end; i += 2) {
                int rows = end - i < 2 ? 1 : 2;
                tile_dispatch(rows, columns, points + i * d, c, d, dots);
                for (int r = 0; r < rows; r++) {
                    record(dots + r * TILE_COLUMNS, i + r, first, columns, stride, point_norms, candidate_norms,
                        candidate_rows, closest, distances, potentials);
                }
            }
        }
    }
}

CK_TARGET static void nearest_avx2(
    const float *products, int64_t rows, int64_t columns, const float *centroid_norms, const double *point_norms,
    int64_t *nearest, double *squared) {
    const __m256i step = _mm256_set1_epi32(8);
    for (int64_t row = 0; row < rows; row++) {
        const float *p = products + row * columns;
        int64_t best = 0;
        float best_value = centroid_norms[0] - (p[0] + p[0]);
        int64_t c = 0;
        if (columns >= 8) {
            // Per lane: the lowest value seen and the first column holding it.
            __m256 lane_best = _mm256_set1_ps(INFINITY);
            __m256i lane_index = _mm256_setzero_si256();
            __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
            for (; c + 8 <= columns; c += 8) {
                __m256 pv = _mm256_loadu_ps(p + c);
                __m256 value = _mm256_sub_ps(_mm256_loadu_ps(centroid_norms + c), _mm256_add_ps(pv, pv));
                __m256 lower = _mm256_cmp_ps(value, lane_best, _CMP_LT_OQ);
                lane_best = _mm256_blendv_ps(lane_best, value, lower);
                lane_index = _mm256_castps_si256(
                    _mm256_blendv_ps(_mm256_castsi256_ps(lane_index), _mm256_castsi256_ps(index), lower));
                index = _mm256_add_epi32(index, step);
            }
            float values[8];
            int32_t indices[8];
            _mm256_storeu_ps(values, lane_best);
            _mm256_storeu_si256((__m256i *)indices, lane_index);
            for (int lane = 0; lane < 8; lane++) {
                if (values[lane] < best_value || (values[lane] == best_value && indices[lane] < best)) {
                    best_value = values[lane];
                    best = indices[lane];
                }
            }
        }
        scan_columns(p, centroid_norms, c, columns, &best, &best_value);
        store_nearest(row, best, best_value, point_norms, nearest, squared);
    }
}

CK_TARGET static inline float dot_avx2(const float *a, const float *b, int64_t d) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t p = 0;
    for (; p + 16 <= d; p += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p), _mm256_loadu_ps(b + p), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p + 8), _mm256_loadu_ps(b + p + 8), acc1);
    }
    for (; p + 8 <= d; p += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p), _mm256_loadu_ps(b + p), acc0);
    float sum = horizontal_sum(_mm256_add_ps(acc0, acc1));
    for (; p < d; p++) sum += a[p] * b[p];
    return sum;
}

CK_TARGET static void normalize_rows_avx2(float *values, int64_t n, int64_t d, double *squared_norms) {
    for (int64_t i = 0; i < n; i++) {
        float *row = values + i * d;
        float sum = dot_avx2(row, row, d);
        if (sum > 0) {
            // The row is in L1 from the first pass: scale it and sum the squares of the result in one more.
            float scale = 1 / sqrtf(sum);
            __m256 factor = _mm256_set1_ps(scale), acc = _mm256_setzero_ps();
            int64_t p = 0;
            for (; p + 8 <= d; p += 8) {
                __m256 scaled = _mm256_mul_ps(_mm256_loadu_ps(row + p), factor);
                _mm256_storeu_ps(row + p, scaled);
                acc = _mm256_fmadd_ps(scaled, scaled, acc);
            }
            sum = horizontal_sum(acc);
            for (; p < d; p++) {
                row[p] *= scale;
                sum += row[p] * row[p];
            }
        }
        squared_norms[i] = sum;
    }
}

CK_TARGET static void assigned_dots_avx2(
    const float *points, int64_t n, int64_t d, const float *centroids, const int64_t *assignments, float *dots) {
    for (int64_t i = 0; i < n; i++) dots[i] = dot_avx2(points + i * d, centroids + assignments[i] * d, d);
}
#endif

int cluster_kernels_vectorized(void) {
#ifdef CK_X86
    static int supported = -1;
    if (supported < 0) {
        __builtin_cpu_init();
        supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return supported;
#else
    return 0;
#endif
}

void cluster_kernels_candidate_distances(
    const float *points, const double *point_norms, int64_t n, int64_t d, const float *candidates,
    const double *candidate_norms, int64_t m, const int64_t *candidate_rows, const double *closest, double *distances,
    int64_t distance_stride, double *potentials, int force_portable) {
    for (int64_t j = 0; j < m; j++) potentials[j] = 0;
    if (n <= 0 || m <= 0) return;
#ifdef CK_X86
    if (!force_portable && cluster_kernels_vectorized()) {
        candidate_distances_avx2(
            points, point_norms, n, d, candidates, candidate_norms, m, candidate_rows, closest, distances, distance_stride,
            potentials);
        return;
    }
#endif
    (void)force_portable;
    candidate_distances_portable(
        points, point_norms, n, d, candidates, candidate_norms, m, candidate_rows, closest, distances, distance_stride,
            potentials);
}

void cluster_kernels_nearest(
    const float *products, int64_t rows, int64_t columns, const float *centroid_norms, const double *point_norms,
    int64_t *nearest, double *squared, int force_portable) {
    if (rows <= 0 || columns <= 0) return;
#ifdef CK_X86
    if (!force_portable && cluster_kernels_vectorized()) {
        nearest_avx2(products, rows, columns, centroid_norms, point_norms, nearest, squared);
        return;
    }
#endif
    (void)force_portable;
    nearest_portable(products, rows, columns, centroid_norms, point_norms, nearest, squared);
}

void cluster_kernels_normalize_rows(float *values, int64_t n, int64_t d, double *squared_norms, int force_portable) {
    if (n <= 0) return;
#ifdef CK_X86
    if (!force_portable && cluster_kernels_vectorized()) {
        normalize_rows_avx2(values, n, d, squared_norms);
        return;
    }
#endif
    (void)force_portable;
    normalize_rows_portable(values, n, d, squared_norms);
}

void cluster_kernels_assigned_dots(
    const float *points, int64_t n, int64_t d, const float *centroids, const int64_t *assignments, float *dots,
    int force_portable) {
    if (n <= 0) return;
#ifdef CK_X86
    if (!force_portable && cluster_kernels_vectorized()) {
        assigned_dots_avx2(points, n, d, centroids, assignments, dots);
        return;
    }
#endif
    (void)force_portable;
    assigned_dots_portable(points, n, d, centroids, assignments, dots);
}
