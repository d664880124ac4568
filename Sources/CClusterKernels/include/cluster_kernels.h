#ifndef CLUSTER_KERNELS_H
#define CLUSTER_KERNELS_H

#include <stdint.h>

/// Small kernels of k-means where a BLAS call costs more than the arithmetic: products with a handful of columns
/// (k-means++ candidates), where sgemm packs every row for a few dot products each, and the nearest-centroid scan
/// after a product. Each has an AVX2 + FMA path chosen at run time and a portable loop; `force_portable` non-zero
/// takes the portable loop (for tests comparing the two).

/// Squared distances from each of `n` rows of `points` (`d` floats each, row-major, squared norms `point_norms`) to
/// each of `m` rows of `candidates` (squared norms `candidate_norms`): `distances[j * distance_stride + i]` (a
/// stride of at least n, so that parts of the rows can be done apart) for candidate j and
/// row i (‖x‖² + ‖c‖² − 2 x·c, at least 0; exactly 0 at row candidate_rows[j] when `candidate_rows` is not NULL: a
/// candidate drawn from the points), and `potentials[j]`, the sum over the rows of min(closest[i], that distance):
/// the k-means++ potential if candidate j were added. One pass over the points, one thread.
void cluster_kernels_candidate_distances(
    const float *points, const double *point_norms, int64_t n, int64_t d, const float *candidates,
    const double *candidate_norms, int64_t m, const int64_t *candidate_rows, const double *closest, double *distances,
    int64_t distance_stride, double *potentials, int force_portable);

/// For each of `rows` rows of `products` (`columns` dot products each, row-major), the column with the lowest
/// centroid_norms[c] − 2 products[c] (computed in single precision; ties to the lower column) in `nearest[row]`, and
/// max(0, point_norms[row] + that value) in `squared[row]`.
void cluster_kernels_nearest(
    const float *products, int64_t rows, int64_t columns, const float *centroid_norms, const double *point_norms,
    int64_t *nearest, double *squared, int force_portable);

/// Scales each of the `n` rows of `values` (`d` floats each, row-major) to unit length in place (a zero row stays
/// zero) and writes the squared norm of the scaled row to `squared_norms[i]`; one pass over the rows.
void cluster_kernels_normalize_rows(float *values, int64_t n, int64_t d, double *squared_norms, int force_portable);

/// dots[i] = the dot product of row i of `points` (`n` rows of `d` floats) with row assignments[i] of `centroids`.
void cluster_kernels_assigned_dots(
    const float *points, int64_t n, int64_t d, const float *centroids, const int64_t *assignments, float *dots,
    int force_portable);

/// 1 when this CPU runs the AVX2 + FMA paths, else 0 (every kernel checks it).
int cluster_kernels_vectorized(void);

#endif
