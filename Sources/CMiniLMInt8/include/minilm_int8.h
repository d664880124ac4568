#ifndef MINILM_INT8_H
#define MINILM_INT8_H

#include <stdint.h>

/// Symmetric int8 matrix products for the native MiniLM's Linear layers: weights quantised once per output
/// column, activations per row at every call, products with AVX-512 VNNI (vpdpbusd) when the CPU has it and a
/// portable scalar loop otherwise. Both give the same integers, so the same floats.
///
/// Layout of packed weights (`minilm_int8_pack`): columns in blocks of 16, inputs in groups of 4; block b, group g
/// is 64 bytes at ((b * groups + g) * 64), column c of the block at bytes 4c ..< 4c+4 (inputs 4g ..< 4g+4). Columns
/// past n and inputs past k are zero.

/// Inputs rounded up to a multiple of 4 (the row stride of quantised activations).
int minilm_int8_padded_inputs(int k);
/// Inputs per block (32): activations get one scale per row and block, weights one sum per column and block.
int minilm_int8_block_size(void);
/// Blocks of `minilm_int8_block_size()` inputs in k.
int minilm_int8_input_blocks(int k);
/// Bytes of a packed [k, n] weight.
long minilm_int8_packed_size(int k, int n);
/// Packs `weight` (stored [n, k], row n = output column n, as in a safetensors Linear weight) into `packed`
/// (`minilm_int8_packed_size` bytes), writing per-column `scales` [n] and the sums of the int8 weights of each
/// block of inputs of each column, `column_sums` [input_blocks, n] (the correction for the +128 shift).
void minilm_int8_pack(const float *weight, int k, int n, int8_t *packed, float *scales, int32_t *column_sums);
/// Quantises rows [m, k] of `input` (row stride `lda`) into `output` (row stride `minilm_int8_padded_inputs(k)`,
/// values round(x / scale) + 128, padding 128) and their `row_scales` [m, input_blocks] (max |x| / 127 over each
/// block of inputs, so an outlier channel costs only its block resolution). `force_scalar` non-zero
/// takes the portable loop (the same bytes).
void minilm_int8_quantize_rows(
    const float *input, int m, int k, int lda, uint8_t *output, float *row_scales, int force_scalar);
/// output[i, j] = scales[j] * Σ_blocks row_scales[i, block] * Σ_block (a[i, p] - 128) * w[p, j] for rows 0 ..< m and columns
/// first_column ..< last_column (the first a multiple of 16), from quantised rows `a` and a packed weight of k inputs
/// and n columns; `output` has row stride `ldc`. `force_scalar` non-zero takes the portable loop even on a VNNI CPU.
void minilm_int8_gemm(
    int m, int k, int n, int first_column, int last_column, const uint8_t *a, const float *row_scales,
    const int8_t *packed, const float *scales, const int32_t *column_sums, float *output, int ldc, int force_scalar);
/// 1 when this CPU runs the VNNI kernel (AVX-512 F, BW, VL and VNNI), else 0.
int minilm_int8_has_vnni(void);

#endif
