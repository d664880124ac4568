#include "minilm_int8.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MINILM_X86 1
#endif

/// Inputs per activation scale (a multiple of 4), and its groups of 4.
#define BLOCK 32
#define BLOCK_GROUPS (BLOCK / 4)

int minilm_int8_padded_inputs(int k) { return (k + 3) / 4 * 4; }

int minilm_int8_block_size(void) { return BLOCK; }

int minilm_int8_input_blocks(int k) { return (k + BLOCK - 1) / BLOCK; }

long minilm_int8_packed_size(int k, int n) { return (long)((n + 15) / 16) * 16 * minilm_int8_padded_inputs(k); }

void minilm_int8_pack(const float *weight, int k, int n, int8_t *packed, float *scales, int32_t *column_sums) {
    int groups = minilm_int8_padded_inputs(k) / 4;
    memset(packed, 0, (size_t)minilm_int8_packed_size(k, n));
    memset(column_sums, 0, sizeof(int32_t) * (size_t)n * minilm_int8_input_blocks(k));
    for (int j = 0; j < n; j++) {
        const float *column = weight + (size_t)j * k;
        float largest = 0;
        for (int p = 0; p < k; p++) largest = fmaxf(largest, fabsf(column[p]));
        float scale = largest / 127.0f;
        float inverse = largest > 0 ? 127.0f / largest : 0;
        int block = j / 16, lane = j % 16;
        for (int p = 0; p < k; p++) {
            int q = (int)lrintf(column[p] * inverse);
            q = q > 127 ? 127 : (q < -127 ? -127 : q);
            packed[((size_t)block * groups + p / 4) * 64 + lane * 4 + p % 4] = (int8_t)q;
            column_sums[(size_t)(p / BLOCK) * n + j] += q;
        }
        scales[j] = scale;
    }
}

/// Quantises one row with the portable loop.
static void quantize_row_scalar(const float *row, int k, int stride, uint8_t *out, float *row_scales) {
    for (int start = 0; start < k; start += BLOCK) {
        int end = k - start < BLOCK ? k : start + BLOCK;
        float largest = 0;
        for (int p = start; p < end; p++) largest = fmaxf(largest, fabsf(row[p]));
        float inverse = largest > 0 ? 127.0f / largest : 0;
        for (int p = start; p < end; p++) {
            int q = (int)lrintf(row[p] * inverse);
            q = q > 127 ? 127 : (q < -127 ? -127 : q);
            out[p] = (uint8_t)(q + 128);
        }
        row_scales[start / BLOCK] = largest / 127.0f;
    }
    for (int p = k; p < stride; p++) out[p] = 128;
}

/// The portable loop: the same integer sums as the VNNI kernel.
static void gemm_scalar(
    int m, int k, int n, int first_column, int last_column, const uint8_t *a, const float *row_scales, const int8_t *packed,
    const float *scales, const int32_t *column_sums, float *output, int ldc) {
    int stride = minilm_int8_padded_inputs(k);
    int groups = stride / 4;
    int input_blocks = minilm_int8_input_blocks(k);
    for (int i = 0; i < m; i++) {
        const uint8_t *row = a + (size_t)i * stride;
        for (int j = first_column; j < last_column; j++) {
            const int8_t *block = packed + (size_t)(j / 16) * groups * 64 + (j % 16) * 4;
            float total = 0;
            for (int kb = 0; kb < input_blocks; kb++) {
                int32_t sum = 0;
                int last = groups < BLOCK_GROUPS * (kb + 1) ? groups : BLOCK_GROUPS * (kb + 1);
                for (int g = BLOCK_GROUPS * kb; g < last; g++) {
                    const int8_t *w = block + (size_t)g * 64;
                    const uint8_t *x = row + 4 * g;
                    sum += x[0] * w[0] + x[1] * w[1] + x[2] * w[2] + x[3] * w[3];
                }
                float part = (float)(sum - 128 * column_sums[(size_t)kb * n + j]);
                total = fmaf(part, row_scales[(size_t)i * input_blocks + kb], total);
            }
            output[(size_t)i * ldc + j] = total * scales[j];
        }
    }
}

#ifdef MINILM_X86
#define MINILM_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

/// One tile: ROWS rows (1..3) by BLOCKS column blocks of 16 (1..4): integer sums over each block of BLOCK inputs,
/// corrected and scaled by the row's block scale into float totals, then scaled by the columns' scales and stored
/// (masked past `last_column`).
MINILM_TARGET static inline __attribute__((always_inline)) void tile(
    int rows, int blocks, int n, int groups, int stride, const uint8_t *a, const float *row_scales, const int8_t *b,
    int column, int last_column, const float *scales, const int32_t *column_sums, float *output, int ldc) {
    __m512i acc[3][4];
    __m512 total[3][4];
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < blocks; c++) total[r][c] = _mm512_setzero_ps();
    size_t block_stride = (size_t)groups * 64;
    int input_blocks = (groups + BLOCK_GROUPS - 1) / BLOCK_GROUPS;
    for (int kb = 0; kb < input_blocks; kb++) {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < blocks; c++) acc[r][c] = _mm512_setzero_si512();
        int last = groups < BLOCK_GROUPS * (kb + 1) ? groups : BLOCK_GROUPS * (kb + 1);
        for (int g = BLOCK_GROUPS * kb; g < last; g++) {
            __m512i w[4];
            for (int c = 0; c < blocks; c++)
                w[c] = _mm512_loadu_si512((const void *)(b + c * block_stride + (size_t)g * 64));
            for (int r = 0; r < rows; r++) {
                int32_t word;
                memcpy(&word, a + (size_t)r * stride + 4 * g, 4);
                __m512i x = _mm512_set1_epi32(word);
                for (int c = 0; c < blocks; c++) acc[r][c] = _mm512_dpbusd_epi32(acc[r][c], x, w[c]);
            }
        }
        for (int c = 0; c < blocks; c++) {
            const int32_t *sums = column_sums + (size_t)kb * n + column + 16 * c;
            int count = last_column - (column + 16 * c);
            __mmask16 mask = count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1);
            __m512i correction = _mm512_slli_epi32(_mm512_maskz_loadu_epi32(mask, sums), 7);
            for (int r = 0; r < rows; r++) {
                __m512 part = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[r][c], correction));
                __m512 scale = _mm512_set1_ps(row_scales[(size_t)r * input_blocks + kb]);
                total[r][c] = _mm512_fmadd_ps(part, scale, total[r][c]);
            }
        }
    }
    for (int c = 0; c < blocks; c++) {
        int start = column + 16 * c;
        int count = last_column - start;
        __mmask16 mask = count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1);
        __m512 scale = _mm512_maskz_loadu_ps(mask, scales + start);
        for (int r = 0; r < rows; r++)
            _mm512_mask_storeu_ps(output + (size_t)r * ldc + start, mask, _mm512_mul_ps(total[r][c], scale));
    }
}

/// Dispatches a tile to a specialisation with constant sizes (so the accumulators stay in registers).
MINILM_TARGET static void tile_any(
    int rows, int blocks, int n, int groups, int stride, const uint8_t *a, const float *row_scales, const int8_t *b,
    int column, int last_column, const float *scales, const int32_t *column_sums, float *output, int ldc) {
#define MINILM_TILE(R, C) \
    tile(R, C, n, groups, stride, a, row_scales, b, column, last_column, scales, column_sums, output, ldc)
    switch (rows * 8 + blocks) {
    case 8 + 1: MINILM_TILE(1, 1); break;
    case 8 + 2: MINILM_TILE(1, 2); break;
    case 8 + 3: MINILM_TILE(1, 3); break;
    case 8 + 4: MINILM_TILE(1, 4); break;
    case 16 + 1: MINILM_TILE(2, 1); break;
    case 16 + 2: MINILM_TILE(2, 2); break;
    case 16 + 3: MINILM_TILE(2, 3); break;
    case 16 + 4: MINILM_TILE(2, 4); break;
    case 24 + 1: MINILM_TILE(3, 1); break;
    case 24 + 2: MINILM_TILE(3, 2); break;
    case 24 + 3: MINILM_TILE(3, 3); break;
    default: MINILM_TILE(3, 4); break;
    }
#undef MINILM_TILE
}

/// The VNNI kernel: column tiles of 64 outermost (a tile of weights stays in cache), rows in threes within.
MINILM_TARGET static void gemm_vnni(
    int m, int k, int n, int first_column, int last_column, const uint8_t *a, const float *row_scales, const int8_t *packed,
    const float *scales, const int32_t *column_sums, float *output, int ldc) {
    int stride = minilm_int8_padded_inputs(k);
    int groups = stride / 4;
    for (int column = first_column; column < last_column; column += 64) {
        int blocks = (last_column - column + 15) / 16;
        if (blocks > 4) blocks = 4;
        const int8_t *b = packed + (size_t)(column / 16) * groups * 64;
        int input_blocks = minilm_int8_input_blocks(k);
        for (int i = 0; i < m; i += 3) {
            int rows = m - i < 3 ? m - i : 3;
            tile_any(
                rows, blocks, n, groups, stride, a + (size_t)i * stride, row_scales + (size_t)i * input_blocks, b, column, last_column, scales,
                column_sums, output + (size_t)i * ldc, ldc);
        }
    }
}

/// Quantises one row with AVX-512, block by block of BLOCK inputs (the same bytes as the portable loop:
/// round-to-nearest-even conversion).
MINILM_TARGET static void quantize_row_avx512(const float *row, int k, int stride, uint8_t *out, float *row_scales) {
    __m512i low = _mm512_set1_epi32(-127), high = _mm512_set1_epi32(127), shift = _mm512_set1_epi32(128);
    for (int start = 0; start < k; start += BLOCK) {
        int end = k - start < BLOCK ? k : start + BLOCK;
        __m512 largest = _mm512_setzero_ps();
        for (int p = start; p < end; p += 16) {
            __mmask16 mask = end - p >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (end - p)) - 1);
            largest = _mm512_max_ps(largest, _mm512_abs_ps(_mm512_maskz_loadu_ps(mask, row + p)));
        }
        float top = _mm512_reduce_max_ps(largest);
        __m512 scale = _mm512_set1_ps(top > 0 ? 127.0f / top : 0);
        for (int p = start; p < end; p += 16) {
            __mmask16 mask = end - p >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (end - p)) - 1);
            __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(mask, row + p), scale));
            q = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(q, low), high), shift);
            _mm_mask_storeu_epi8(out + p, mask, _mm512_cvtepi32_epi8(q));
        }
        row_scales[start / BLOCK] = top / 127.0f;
    }
    for (int p = k; p < stride; p++) out[p] = 128;
}
#endif

/// 1 when the VNNI kernel runs here (cached after the first call), 0 for the portable loop.
static int use_vnni(void) {
#ifdef MINILM_X86
    static int cached = -1;
    int vnni = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (vnni < 0) {
        vnni = minilm_int8_has_vnni();
        __atomic_store_n(&cached, vnni, __ATOMIC_RELAXED);
    }
    return vnni;
#else
    return 0;
#endif
}

void minilm_int8_quantize_rows(
    const float *input, int m, int k, int lda, uint8_t *output, float *row_scales, int force_scalar) {
    int stride = minilm_int8_padded_inputs(k);
    int input_blocks = minilm_int8_input_blocks(k);
    int vector = use_vnni() && !force_scalar;
    for (int i = 0; i < m; i++) {
#ifdef MINILM_X86
        if (vector) {
            quantize_row_avx512(input + (size_t)i * lda, k, stride, output + (size_t)i * stride, row_scales + (size_t)i * input_blocks);
            continue;
        }
#endif
        (void)vector;
        quantize_row_scalar(input + (size_t)i * lda, k, stride, output + (size_t)i * stride, row_scales + (size_t)i * input_blocks);
    }
}

int minilm_int8_has_vnni(void) {
#ifdef MINILM_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

void minilm_int8_gemm(
    int m, int k, int n, int first_column, int last_column, const uint8_t *a, const float *row_scales,
    const int8_t *packed, const float *scales, const int32_t *column_sums, float *output, int ldc, int force_scalar) {
    if (last_column > n) last_column = n;
    if (m <= 0 || first_column >= last_column) return;
#ifdef MINILM_X86
    if (use_vnni() && !force_scalar) {
        gemm_vnni(m, k, n, first_column, last_column, a, row_scales, packed, scales, column_sums, output, ldc);
        return;
    }
#endif
    gemm_scalar(m, k, n, first_column, last_column, a, row_scales, packed, scales, column_sums, output, ldc);
}
