// CMaskBenchDNN: a depthwise convolution layer for OpenCV DNN ("MBDepthwiseConvolution"), used by the Keras
// importer for DepthwiseConv2D with depth multiplier 1 and no dilation (MobileNetV2's).
//
// OpenCV 4.6 runs a depthwise convolution as a grouped convolution, slowly: in the seeds' MobileNetV2 its
// depthwise layers took 6.6 of 13.6 ms per face for about 7% of the arithmetic. Here a 3x3 kernel sums its nine
// taps per output pixel in one loop vectorised along the row (rows outside the image read zeros; the one or two
// border columns each side are done apart), other kernels add one shifted input row per tap; compiled for
// AVX-512, AVX2+FMA and the baseline, chosen at run time. The layer takes TensorFlow's asymmetric 'same' padding
// itself (no Padding layer) and folds the following BatchNorm (tryFuse) and ReLU/ReLU6 (setActivation) as
// OpenCV's own convolution does. Measured on MobileNetV2: depthwise layers 1.5 ms, forward 13.6 -> 9 ms.
//
// The AVX-512 variant does the 3x3 kernels with intrinsics (flat3x3AVX512, rows3x3AVX512): MobileNetV2's planes
// are 112 to 7 pixels wide, and the compiler's loop left most of a 28, 14 or 7-pixel row to scalar border code.
// Masked loads supply the zero padding, so every output is a whole-vector step; stride 2 splits even and odd
// columns with permutes. Each output is still bias, then fused multiply-adds of taps k0..k8, then the clamp,
// the operations and order of plane3x3 under AVX2+FMA: the AVX2 and AVX-512 variants give the same bits (a test
// checks it). Measured, each of MobileNetV2's 17 depthwise layers alone on one thread: 2.1 -> 1.2 ms per face.
// Planes of 14x14 and 7x7 pixels run 16 channels at a time as one flat run (groupFlat3x3AVX512): one plane at a
// time, a 7x7 plane was four vectors of mostly setup (960 channels of 7x7: 1.53 -> 0.63-0.91 ns an output).
// Tests check every variant against OpenCV's grouped convolution (Sources/CMaskBenchDNNTestSupport).

#include "dnn_internal.hpp"

#include <opencv2/core/utility.hpp>
#include <opencv2/dnn/all_layers.hpp>
#include <opencv2/dnn/layer.details.hpp>

#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>

namespace {

/// Geometry of one depthwise convolution.
struct Geometry {
    int kernelH, kernelW, strideH, strideW, padTop, padLeft;
    int inH, inW, outH, outW;
};

/// ceil(a / b) and floor(a / b) for b > 0 and any sign of a.
inline int ceilDiv(int a, int b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }
inline int floorDiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/// One channel plane: out = clamp(bias + sum over taps of weight * shifted input, low, high). `zeros` holds at
/// least inW + kernelW zeros (the rows above and below the image).
__attribute__((always_inline)) inline void planeGeneric(const Geometry &g, const float *in, const float *kernel,
                                                        float bias, float low, float high, const float *zeros,
                                                        float *out) {
    (void)zeros;
    for (int oy = 0; oy < g.outH; oy++) {
        float *__restrict row = out + static_cast<size_t>(oy) * g.outW;
        for (int ox = 0; ox < g.outW; ox++) {
            row[ox] = bias;
        }
        for (int ky = 0; ky < g.kernelH; ky++) {
            int iy = oy * g.strideH - g.padTop + ky;
            if (iy < 0 || iy >= g.inH) {
                continue;
            }
            const float *inRow = in + static_cast<size_t>(iy) * g.inW;
            for (int kx = 0; kx < g.kernelW; kx++) {
                const float weight = kernel[ky * g.kernelW + kx];
                // Output columns whose input column ox * stride - padLeft + kx lies inside the row.
                int first = std::max(0, ceilDiv(g.padLeft - kx, g.strideW));
                int last = std::min(g.outW - 1, floorDiv(g.inW - 1 + g.padLeft - kx, g.strideW));
                const float *base = inRow - g.padLeft + kx;
                for (int ox = first; ox <= last; ox++) {
                    row[ox] += weight * base[ox * g.strideW];
                }
            }
        }
        for (int ox = 0; ox < g.outW; ox++) {
            row[ox] = std::min(std::max(row[ox], low), high);
        }
    }
}

/// The 3x3 case with stride S (MobileNet's): rows outside the image read `zeros`, the columns whose three taps
/// all lie inside the row are one vectorisable loop, the one or two border columns each side are done apart.
template <int S>
__attribute__((always_inline)) inline void plane3x3(const Geometry &g, const float *in, const float *kernel,
                                                    float bias, float low, float high, const float *zeros,
                                                    float *out) {
    const float k0 = kernel[0], k1 = kernel[1], k2 = kernel[2], k3 = kernel[3], k4 = kernel[4], k5 = kernel[5],
                k6 = kernel[6], k7 = kernel[7], k8 = kernel[8];
    // Interior columns: 0 <= ox * S - padLeft and ox * S - padLeft + 2 <= inW - 1.
    const int first = std::min(g.outW, ceilDiv(g.padLeft, S));
    const int last = std::max(first - 1, std::min(g.outW - 1, floorDiv(g.inW - 3 + g.padLeft, S)));
    for (int oy = 0; oy < g.outH; oy++) {
        const float *rows[3];
        for (int ky = 0; ky < 3; ky++) {
            int iy = oy * g.strideH - g.padTop + ky;
            rows[ky] = iy < 0 || iy >= g.inH ? zeros : in + static_cast<size_t>(iy) * g.inW;
        }
        float *__restrict row = out + static_cast<size_t>(oy) * g.outW;
        const float *r0 = rows[0] - g.padLeft, *r1 = rows[1] - g.padLeft, *r2 = rows[2] - g.padLeft;
        for (int ox = first; ox <= last; ox++) {
            const int i = ox * S;
            float acc = bias + k0 * r0[i] + k1 * r0[i + 1] + k2 * r0[i + 2] + k3 * r1[i] + k4 * r1[i + 1] +
                        k5 * r1[i + 2] + k6 * r2[i] + k7 * r2[i + 1] + k8 * r2[i + 2];
            row[ox] = std::min(std::max(acc, low), high);
        }
        // Border columns, tap by tap with the column checked.
        for (int ox = 0; ox < g.outW; ox++) {
            if (ox == first && last >= first) {
                ox = last;
                continue;
            }
            float acc = bias;
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    int ix = ox * S - g.padLeft + kx;
                    if (ix >= 0 && ix < g.inW) {
                        acc += kernel[ky * 3 + kx] * rows[ky][ix];
                    }
                }
            }
            row[ox] = std::min(std::max(acc, low), high);
        }
    }
}

__attribute__((always_inline)) inline void planeBody(const Geometry &g, const float *in, const float *kernel,
                                                     float bias, float low, float high, const float *zeros,
                                                     float *out) {
    if (g.kernelH == 3 && g.kernelW == 3 && g.strideW == 1) {
        plane3x3<1>(g, in, kernel, bias, low, high, zeros, out);
    } else if (g.kernelH == 3 && g.kernelW == 3 && g.strideW == 2) {
        plane3x3<2>(g, in, kernel, bias, low, high, zeros, out);
    } else {
        planeGeneric(g, in, kernel, bias, low, high, zeros, out);
    }
}

__attribute__((target("avx2,fma"))) void planeAVX2(const Geometry &g, const float *in, const float *kernel,
                                                    float bias, float low, float high, const float *zeros,
                                                    float *out) {
    planeBody(g, in, kernel, bias, low, high, zeros, out);
}

/// The lanes j of 16 whose element start + j lies in [0, size): a masked load of them reads only that span and
/// gives zeros for the lanes outside it (the padding). Masked-off lanes never fault, so `start` may lie outside.
inline __mmask16 spanMask(int start, int size) {
    const int lo = std::min(16, std::max(0, -start));
    const int hi = std::min(16, std::max(0, size - start));
    return static_cast<__mmask16>((0xFFFFu << lo) & (0xFFFFu >> (16 - hi)));
}

/// The 16 floats at `row + start` whose lanes are in `mask`, zeros elsewhere. The address is computed as an
/// integer because `start` may point before the row (those lanes are masked off).
__attribute__((target("avx512f"), always_inline)) inline __m512 maskedLoad(__mmask16 mask, const float *row,
                                                                           int start) {
    const auto address = reinterpret_cast<uintptr_t>(row) + static_cast<intptr_t>(start) * sizeof(float);
    return _mm512_maskz_loadu_ps(mask, reinterpret_cast<const void *>(address));
}

/// The 16 floats at `in + start`, zeros for those outside [0, size).
__attribute__((target("avx512f"), always_inline)) inline __m512 spanLoad(const float *in, int start, int size) {
    return maskedLoad(spanMask(start, size), in, start);
}

/// clamp(acc, low, high) as std::min(std::max(acc, low), high) computes it (NaN included): MAXPS and MINPS
/// return their second operand unless the first one wins the comparison.
__attribute__((target("avx512f"), always_inline)) inline __m512 clampVector(__m512 acc, __m512 low, __m512 high) {
    return _mm512_min_ps(high, _mm512_max_ps(low, acc));
}

/// The nine taps, bias and clamp bounds of one channel as vectors.
struct Taps3x3 {
    __m512 k[9];
    __m512 bias, low, high;
};

__attribute__((target("avx512f"), always_inline)) inline Taps3x3 broadcastTaps(const float *kernel, float bias,
                                                                               float low, float high) {
    Taps3x3 t;
    for (int i = 0; i < 9; i++) {
        t.k[i] = _mm512_set1_ps(kernel[i]);
    }
    t.bias = _mm512_set1_ps(bias);
    t.low = _mm512_set1_ps(low);
    t.high = _mm512_set1_ps(high);
    return t;
}

/// The 3x3 case with both strides 1 and a row as wide in as out with one padding column each side (MobileNet's
/// 'same'), for AVX-512: the plane is one flat run of outH * outW outputs, 16 at a time, whatever the row width
/// (a 7x7 plane is 4 vectors rather than 7 mostly empty ones). Output p reads input p + (ky - padTop) * W + kx - 1:
/// for each kernel row one load of the 16 inputs above, at or below the outputs, the left and right neighbours
/// taken from it and the previous or next such vector (valignd) rather than loaded again. Loads are masked to the
/// flat input, so the rows above and below the image read zeros, and each lane's column is tracked to zero the
/// left neighbour of column 0 and the right one of column W - 1. Each output is bias, then one fused multiply-add
/// per tap k0..k8, then the clamp: the same operations, in the same order, as plane3x3.
__attribute__((target("avx512f"), always_inline)) inline void flat3x3AVX512(const Geometry &g, const float *in,
                                                                            const float *kernel, float bias,
                                                                            float low, float high, float *out) {
    const int width = g.outW, outputs = g.outH * width, inputs = g.inH * width;
    const Taps3x3 t = broadcastTaps(kernel, bias, low, high);
    // Each lane's column, advanced by 16 per step modulo the width.
    const __m512i widthVector = _mm512_set1_epi32(width), lastColumn = _mm512_set1_epi32(width - 1),
                  step = _mm512_set1_epi32(16 % width), zero = _mm512_setzero_si512();
    __m512i column = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (int c = width; c < 16; c += width) {
        column = _mm512_mask_sub_epi32(column, _mm512_cmpge_epi32_mask(column, widthVector), column, widthVector);
    }
    // The flat input index of output 0's kernel row 0, and the rows' offsets from it.
    const int top = -g.padTop * width;
    // Steps of two vectors (two independent chains of nine fused multiply-adds, which overlap), from the vector
    // before (`previous`), the two of the step (`current`, `second`) and the one after (`next`) per kernel row.
    __m512 previous[3], current[3];
    for (int ky = 0; ky < 3; ky++) {
        previous[ky] = spanLoad(in, -16 + top + ky * width, inputs);
        current[ky] = spanLoad(in, top + ky * width, inputs);
    }
    // Steps whose loads lie in the flat input load unmasked.
    const int firstInterior = -16 - top, lastInterior = inputs - 48 - top - 2 * width;
    for (int p = 0; p < outputs; p += 32) {
        // Lanes whose left (kx = 0) and right (kx = 2) neighbour lies in the row, in each of the two vectors.
        const __mmask16 hasLeft = _mm512_cmpneq_epi32_mask(column, zero);
        const __mmask16 hasRight = _mm512_cmpneq_epi32_mask(column, lastColumn);
        column = _mm512_add_epi32(column, step);
        column = _mm512_mask_sub_epi32(column, _mm512_cmpge_epi32_mask(column, widthVector), column, widthVector);
        const __mmask16 hasLeft2 = _mm512_cmpneq_epi32_mask(column, zero);
        const __mmask16 hasRight2 = _mm512_cmpneq_epi32_mask(column, lastColumn);
        column = _mm512_add_epi32(column, step);
        column = _mm512_mask_sub_epi32(column, _mm512_cmpge_epi32_mask(column, widthVector), column, widthVector);
        __m512 second[3], next[3];
        if (p >= firstInterior && p <= lastInterior) {
            for (int ky = 0; ky < 3; ky++) {
                second[ky] = _mm512_loadu_ps(in + (p + 16 + top + ky * width));
                next[ky] = _mm512_loadu_ps(in + (p + 32 + top + ky * width));
            }
        } else {
            for (int ky = 0; ky < 3; ky++) {
                second[ky] = spanLoad(in, p + 16 + top + ky * width, inputs);
                next[ky] = spanLoad(in, p + 32 + top + ky * width, inputs);
            }
        }
        __m512 acc = t.bias, acc2 = t.bias;
        for (int ky = 0; ky < 3; ky++) {
            const __m512i before = _mm512_castps_si512(previous[ky]), here = _mm512_castps_si512(current[ky]),
                          here2 = _mm512_castps_si512(second[ky]), after = _mm512_castps_si512(next[ky]);
            const __m512 left = _mm512_castsi512_ps(_mm512_maskz_alignr_epi32(hasLeft, here, before, 15));
            const __m512 right = _mm512_castsi512_ps(_mm512_maskz_alignr_epi32(hasRight, here2, here, 1));
            const __m512 left2 = _mm512_castsi512_ps(_mm512_maskz_alignr_epi32(hasLeft2, here2, here, 15));
            const __m512 right2 = _mm512_castsi512_ps(_mm512_maskz_alignr_epi32(hasRight2, after, here2, 1));
            acc = _mm512_fmadd_ps(t.k[ky * 3], left, acc);
            acc2 = _mm512_fmadd_ps(t.k[ky * 3], left2, acc2);
            acc = _mm512_fmadd_ps(t.k[ky * 3 + 1], current[ky], acc);
            acc2 = _mm512_fmadd_ps(t.k[ky * 3 + 1], second[ky], acc2);
            acc = _mm512_fmadd_ps(t.k[ky * 3 + 2], right, acc);
            acc2 = _mm512_fmadd_ps(t.k[ky * 3 + 2], right2, acc2);
            previous[ky] = second[ky];
            current[ky] = next[ky];
        }
        const __m512 result = clampVector(acc, t.low, t.high), result2 = clampVector(acc2, t.low, t.high);
        if (p + 32 <= outputs) {
            _mm512_storeu_ps(out + p, result);
            _mm512_storeu_ps(out + p + 16, result2);
        } else {
            _mm512_mask_storeu_ps(out + p, spanMask(p, outputs), result);
            _mm512_mask_storeu_ps(out + p + 16, spanMask(p + 16, outputs), result2);
        }
    }
}

/// Planes of at most this many pixels (MobileNetV2's 14x14 and 7x7) run 16 channels at a time (groupFlat3x3AVX512).
constexpr int groupedPlanePixels = 196;

/// Where groupFlat3x3AVX512's vectors read, for one plane size: a group of 16 planes of H x W pixels, stored one
/// after the other, is one flat run of 16 * H * W outputs, H * W vectors of 16. For vector v, `channels` holds each
/// lane's plane in the group (0...15) and `taps[9 * v + t]` the lanes whose tap t (row t / 3 - 1, column t % 3 - 1
/// from the output) lies inside the plane.
struct GroupTable {
    int height = 0, width = 0;
    std::vector<int32_t> channels;
    std::vector<uint16_t> taps;
};

/// The table for H x W planes, kept per thread for the last size asked.
const GroupTable &groupTable(int height, int width) {
    thread_local GroupTable table;
    if (table.height != height || table.width != width) {
        const int pixels = height * width;
        table.height = height;
        table.width = width;
        table.channels.assign(static_cast<size_t>(pixels) * 16, 0);
        table.taps.assign(static_cast<size_t>(pixels) * 9, 0);
        for (int v = 0; v < pixels; v++) {
            for (int lane = 0; lane < 16; lane++) {
                const int q = 16 * v + lane, pixel = q % pixels, row = pixel / width, column = pixel % width;
                table.channels[static_cast<size_t>(16 * v + lane)] = q / pixels;
                for (int t = 0; t < 9; t++) {
                    const int y = row + t / 3 - 1, x = column + t % 3 - 1;
                    if (y >= 0 && y < height && x >= 0 && x < width) {
                        table.taps[static_cast<size_t>(9 * v + t)] |= static_cast<uint16_t>(1u << lane);
                    }
                }
            }
        }
    }
    return table;
}

/// 16 channels' 3x3 planes of H x W pixels (stride 1, one padding pixel each side, MobileNet's 'same'), stored one
/// after the other in `in` and `out`, `kernel` their 16 rows of 9 taps: the planes are one flat run of H * W vectors
/// (16 * 49 = 49 vectors for 7x7) whose lanes may belong to two planes, each lane taking its plane's taps by a
/// permute. flat3x3AVX512 does each plane apart, and a 7x7 or 14x14 plane is 4 or 13 vectors of mostly setup and
/// partly used lanes (1.6 and 0.7 ns an output against 0.4 for 56x56). Each output is bias, then one fused
/// multiply-add per tap k0..k8 with zero for a tap outside the plane, then the clamp: flat3x3AVX512's operations,
/// in its order, so the same bits.
__attribute__((target("avx512f"))) void groupFlat3x3AVX512(const GroupTable &table, const float *in,
                                                          const float *kernel, const float *bias, float low,
                                                          float high, float *out) {
    const int width = table.width, vectors = table.height * table.width;
    alignas(64) float columns[10][16];
    for (int c = 0; c < 16; c++) {
        for (int t = 0; t < 9; t++) {
            columns[t][c] = kernel[9 * c + t];
        }
        columns[9][c] = bias[c];
    }
    __m512 taps[10];
    for (int t = 0; t < 10; t++) {
        taps[t] = _mm512_load_ps(columns[t]);
    }
    const __m512 lo = _mm512_set1_ps(low), hi = _mm512_set1_ps(high);
    for (int v = 0; v < vectors; v++) {
        const __m512i channel = _mm512_loadu_si512(table.channels.data() + 16 * v);
        const uint16_t *inside = table.taps.data() + 9 * v;
        const float *at = in + 16 * v;
        __m512 acc = _mm512_permutexvar_ps(channel, taps[9]);
#pragma clang loop unroll(full)
        for (int t = 0; t < 9; t++) {
            const int offset = (t / 3 - 1) * width + t % 3 - 1;
            const auto address = reinterpret_cast<uintptr_t>(at) + static_cast<intptr_t>(offset) * sizeof(float);
            const __m512 x = _mm512_maskz_loadu_ps(inside[t], reinterpret_cast<const void *>(address));
            acc = _mm512_fmadd_ps(_mm512_permutexvar_ps(channel, taps[t]), x, acc);
        }
        _mm512_storeu_ps(out + 16 * v, clampVector(acc, lo, hi));
    }
}

/// The 3x3 case with horizontal stride S (1 or 2), any vertical stride and padding, for AVX-512: 16 output
/// columns at a time, down the whole plane (their column masks are worked out once, which measured faster than
/// row by row), masked loads giving zeros for the columns outside the row, rows outside the image skipped. At
/// stride 2 the 32 input columns of 16 outputs are loaded as two vectors and split into even and odd columns
/// (taps 0 and 1); tap 2's columns are the even ones shifted by one, with the 33rd column loaded apart. Each output
/// is bias, then one fused multiply-add per tap k0..k8 inside the image, then the clamp, as in plane3x3.
template <int S>
__attribute__((target("avx512f"), always_inline)) inline void rows3x3AVX512(const Geometry &g, const float *in,
                                                                            const float *kernel, float bias,
                                                                            float low, float high, float *out) {
    const Taps3x3 t = broadcastTaps(kernel, bias, low, high);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    for (int ox = 0; ox < g.outW; ox += 16) {
        // The column masks of this run of 16 outputs, the same for every row.
        const int start = ox * S - g.padLeft;
        __mmask16 masks[3];
        for (int i = 0; i < 3; i++) {
            masks[i] = S == 1 ? spanMask(start + i, g.inW) : spanMask(start + 16 * i, g.inW);
        }
        if (S == 2) {
            masks[2] &= 1;
        }
        const __mmask16 store = spanMask(ox, g.outW);
        for (int oy = 0; oy < g.outH; oy++) {
            __m512 acc = t.bias;
#pragma clang loop unroll(full)
            for (int ky = 0; ky < 3; ky++) {
                const int iy = oy * g.strideH - g.padTop + ky;
                if (iy < 0 || iy >= g.inH) {
                    continue;
                }
                const float *inRow = in + static_cast<size_t>(iy) * g.inW;
                if (S == 1) {
                    for (int kx = 0; kx < 3; kx++) {
                        acc = _mm512_fmadd_ps(t.k[ky * 3 + kx], maskedLoad(masks[kx], inRow, start + kx), acc);
                    }
                } else {
                    const __m512 low16 = maskedLoad(masks[0], inRow, start);
                    const __m512 high16 = maskedLoad(masks[1], inRow, start + 16);
                    const __m512 next = maskedLoad(masks[2], inRow, start + 32);
                    const __m512 evens = _mm512_permutex2var_ps(low16, even, high16);
                    const __m512 odds = _mm512_permutex2var_ps(low16, odd, high16);
                    const __m512 shifted = _mm512_castsi512_ps(
                        _mm512_alignr_epi32(_mm512_castps_si512(next), _mm512_castps_si512(evens), 1));
                    acc = _mm512_fmadd_ps(t.k[ky * 3], evens, acc);
                    acc = _mm512_fmadd_ps(t.k[ky * 3 + 1], odds, acc);
                    acc = _mm512_fmadd_ps(t.k[ky * 3 + 2], shifted, acc);
                }
            }
            _mm512_mask_storeu_ps(out + static_cast<size_t>(oy) * g.outW + ox, store,
                                  clampVector(acc, t.low, t.high));
        }
    }
}

__attribute__((target("avx512f,avx512vl,avx2,fma"))) void planeAVX512(const Geometry &g, const float *in,
                                                                      const float *kernel, float bias, float low,
                                                                      float high, const float *zeros, float *out) {
    if (g.kernelH == 3 && g.kernelW == 3 && g.strideH == 1 && g.strideW == 1 && g.inW == g.outW &&
        g.padLeft == 1) {
        flat3x3AVX512(g, in, kernel, bias, low, high, out);
    } else if (g.kernelH == 3 && g.kernelW == 3 && g.strideW == 1) {
        rows3x3AVX512<1>(g, in, kernel, bias, low, high, out);
    } else if (g.kernelH == 3 && g.kernelW == 3 && g.strideW == 2) {
        rows3x3AVX512<2>(g, in, kernel, bias, low, high, out);
    } else {
        planeGeneric(g, in, kernel, bias, low, high, zeros, out);
    }
}

void planeBaseline(const Geometry &g, const float *in, const float *kernel, float bias, float low, float high,
                   const float *zeros, float *out) {
    planeBody(g, in, kernel, bias, low, high, zeros, out);
}

using PlaneFunction = void (*)(const Geometry &, const float *, const float *, float, float, float, const float *,
                               float *);

/// The variants this CPU runs, best last.
std::vector<PlaneFunction> supportedPlaneFunctions() {
    std::vector<PlaneFunction> variants{planeBaseline};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        variants.push_back(planeAVX2);
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) {
            variants.push_back(planeAVX512);
        }
    }
    return variants;
}

/// The variants this CPU runs, computed once.
const std::vector<PlaneFunction> &planeFunctions() {
    static const std::vector<PlaneFunction> variants = supportedPlaneFunctions();
    return variants;
}

class DepthwiseLayer final : public cv::dnn::Layer {
  public:
    explicit DepthwiseLayer(const cv::dnn::LayerParams &params) : cv::dnn::Layer(params), window_(params) {
        // The best variant, unless a test asks for one by its index (0 is the baseline).
        const auto &variants = planeFunctions();
        int variant = params.get<int>("variant", -1);
        CV_Assert(variant < static_cast<int>(variants.size()));
        plane_ = variant >= 0 ? variants[static_cast<size_t>(variant)] : variants.back();
        CV_Assert(!params.blobs.empty() && params.blobs[0].dims == 4 && params.blobs[0].type() == CV_32F);
        channels_ = params.blobs[0].size[0];
        CV_Assert(params.blobs[0].size[1] == 1 && params.blobs[0].size[2] == window_.kernelH &&
                  params.blobs[0].size[3] == window_.kernelW);
        CV_Assert(window_.dilationH == 1 && window_.dilationW == 1);
        originalKernel_ = params.blobs[0].reshape(1, channels_).clone();
        originalBias_ = mbdnn::layerBias(params, channels_, static_cast<size_t>(channels_));
        unfuse();
    }

    /// OpenCV finalizes every layer, then fuses them again, each time the input shape changes (a batch of
    /// another size): start from the layer's own weights, so a BatchNorm and an activation are folded in once.
    void finalize(cv::InputArrayOfArrays, cv::OutputArrayOfArrays) override { unfuse(); }

    static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams &params) {
        return cv::makePtr<DepthwiseLayer>(params);
    }

    bool getMemoryShapes(const std::vector<cv::dnn::MatShape> &inputs, const int, std::vector<cv::dnn::MatShape> &outputs,
                         std::vector<cv::dnn::MatShape> &) const override {
        outputs.assign(1, window_.outputShape(inputs, channels_, channels_));
        return false;
    }

    /// Folds a following BatchNorm or Scale (any layer with a per-channel scale and shift) into the weights.
    bool tryFuse(cv::Ptr<cv::dnn::Layer> &top) override {
        cv::Mat scale, shift;
        if (clamp_.taken || top.empty() || !mbdnn::channelScaleShift(top, channels_, scale, shift)) {
            return false;
        }
        for (int c = 0; c < channels_; c++) {
            float s = scale.empty() ? 1.0f : scale.ptr<float>()[c];
            float t = shift.empty() ? 0.0f : shift.ptr<float>()[c];
            float *k = kernel_.ptr<float>(c);
            for (int i = 0; i < window_.kernelH * window_.kernelW; i++) {
                k[i] *= s;
            }
            bias_[static_cast<size_t>(c)] = bias_[static_cast<size_t>(c)] * s + t;
        }
        return true;
    }

    /// Takes a following ReLU6 or plain ReLU as a clamp.
    bool setActivation(const cv::Ptr<cv::dnn::ActivationLayer> &layer) override { return clamp_.take(layer); }

    void forward(cv::InputArrayOfArrays inputsArray, cv::OutputArrayOfArrays outputsArray,
                 cv::OutputArrayOfArrays) override {
        auto [x, y] = mbdnn::forwardBlobs(inputsArray, outputsArray);
        const mbdnn::Window &w = window_;
        const Geometry g{w.kernelH, w.kernelW, w.strideH,  w.strideW,  w.padTop,
                         w.padLeft, x.size[2], x.size[3], y.size[2], y.size[3]};
        const size_t inPlane = static_cast<size_t>(g.inH) * g.inW;
        const size_t outPlane = static_cast<size_t>(g.outH) * g.outW;
        const float *src = x.ptr<float>();
        float *dst = y.ptr<float>();
        // Work in runs of 16 channels (groupFlat3x3AVX512's groups) per image.
        const int runs = (channels_ + 15) / 16;
        cv::parallel_for_(cv::Range(0, x.size[0] * runs), [&](const cv::Range &range) {
            for (int r = range.start; r < range.end; r++) {
                const int image = r / runs, first = r % runs * 16;
                const size_t at = static_cast<size_t>(image) * channels_;
                forwardChannels(g, src + at * inPlane, inPlane, first, std::min(channels_, first + 16),
                                dst + at * outPlane, outPlane);
            }
        });
    }

    /// The window and channel count (for a convolution that takes this layer in, convolution.cpp).
    const mbdnn::Window &window() const { return window_; }
    int channels() const { return channels_; }

    /// Output rows [firstRow, firstRow + outH) of one image, every channel, from the input rows they read (see
    /// mbdnn::depthwiseRows): each output is computed as forward computes it.
    void forwardRows(const float *in, size_t inPlane, int inRow, int inH, int inW, int firstRow, int outH,
                     int outW, float *out, size_t outPlane) const {
        const mbdnn::Window &w = window_;
        // Output row firstRow + o reads input row (firstRow + o) * strideH - padTop + ky, local row that - inRow.
        const Geometry g{w.kernelH, w.kernelW, w.strideH, w.strideW, w.padTop - firstRow * w.strideH + inRow,
                         w.padLeft, inH, inW, outH, outW};
        forwardChannels(g, in, inPlane, 0, channels_, out, outPlane);
    }

  private:
    /// Channels [first, end) of one image (planes `inPlane` and `outPlane` floats apart, from channel 0's): 16 at a
    /// time by groupFlat3x3AVX512 where the AVX-512 variant runs, the planes are small and stored one after the
    /// other and the window is MobileNet's 3x3 'same' at stride 1; one plane at a time otherwise.
    void forwardChannels(const Geometry &g, const float *in, size_t inPlane, int first, int end, float *out,
                         size_t outPlane) const {
        int c = first;
        if (plane_ == planeAVX512 && g.kernelH == 3 && g.kernelW == 3 && g.strideH == 1 && g.strideW == 1 &&
            g.padTop == 1 && g.padLeft == 1 && g.inH == g.outH && g.inW == g.outW &&
            g.inH * g.inW <= groupedPlanePixels && inPlane == static_cast<size_t>(g.inH) * g.inW &&
            outPlane == static_cast<size_t>(g.outH) * g.outW) {
            const GroupTable &table = groupTable(g.inH, g.inW);
            for (; c + 16 <= end; c += 16) {
                groupFlat3x3AVX512(table, in + c * inPlane, kernel_.ptr<float>(c), bias_.data() + c, clamp_.low,
                                   clamp_.high, out + c * outPlane);
            }
        }
        if (c == end) {
            return;
        }
        thread_local std::vector<float> zeros;
        zeros.assign(static_cast<size_t>(g.inW + g.kernelW), 0.0f);
        for (; c < end; c++) {
            plane_(g, in + c * inPlane, kernel_.ptr<float>(c), bias_[static_cast<size_t>(c)], clamp_.low,
                   clamp_.high, zeros.data(), out + c * outPlane);
        }
    }

    /// The weights before any fusion.
    void unfuse() {
        kernel_ = originalKernel_.clone();
        bias_ = originalBias_;
        clamp_ = mbdnn::Clamp();
    }

    cv::Mat originalKernel_;
    std::vector<float> originalBias_;
    mbdnn::Window window_;
    int channels_ = 0;
    PlaneFunction plane_ = nullptr;
    cv::Mat kernel_; // channels x (kernelH * kernelW)
    std::vector<float> bias_;
    mbdnn::Clamp clamp_;
};

} // namespace

namespace mbdnn {

const char *const depthwiseLayerType = "MBDepthwiseConvolution";

void registerDepthwiseLayer() {
    static std::once_flag once;
    std::call_once(once, [] { cv::dnn::LayerFactory::registerLayer(depthwiseLayerType, DepthwiseLayer::create); });
}

size_t depthwiseVariantCount() { return planeFunctions().size(); }

const Window *depthwiseWindow(const cv::Ptr<cv::dnn::Layer> &layer, int &channels) {
    const auto *depthwise = dynamic_cast<const DepthwiseLayer *>(layer.get());
    if (depthwise == nullptr) {
        return nullptr;
    }
    channels = depthwise->channels();
    return &depthwise->window();
}

void depthwiseRows(const cv::Ptr<cv::dnn::Layer> &layer, const float *in, size_t inPlane, int inRow, int inH,
                   int inW, int firstRow, int outH, int outW, float *out, size_t outPlane) {
    const auto *depthwise = dynamic_cast<const DepthwiseLayer *>(layer.get());
    CV_Assert(depthwise != nullptr);
    depthwise->forwardRows(in, inPlane, inRow, inH, inW, firstRow, outH, outW, out, outPlane);
}

} // namespace mbdnn
