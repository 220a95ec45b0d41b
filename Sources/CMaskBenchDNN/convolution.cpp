// CMaskBenchDNN: a convolution layer for OpenCV DNN ("MBConvolution"), used by the Keras importer for Conv2D with
// one group and no dilation (MobileNetV2's pointwise convolutions and its first 3x3 convolution).
//
// OpenCV 4.6 runs a convolution as dot products along the input channels (an AVX-512 kernel reducing 16 lanes at a
// time, then summing them across), which wastes most of its work when there are few input channels: in the seeds'
// MobileNetV2 the 1x1 convolutions with 16 to 96 input channels over 112x112 and 56x56 pixels ran at 20 GFLOP/s
// against 70 for the deep ones. Here the output is a matrix product of the weights (output channels x input channels
// x taps) with a panel of input pixels, vectorised along the pixels: a tile of 8 output channels x 48 pixels sits in
// 24 AVX-512 registers while the sum runs over the input channels and taps, one broadcast weight times 48 pixels per
// step. For a 1x1 window at stride 1 (all of MobileNetV2's but the first) the panel is the input itself, read in
// place: its rows are the input channels' planes. Otherwise the panel (input channels x taps x 48 pixels, zeros
// outside the image) is packed, one output row at a time, and used by every tile of output channels; or, in a block
// (forwardBlock), the image is split once into column phases (PhasePlanes), in which every tap of a run of output
// pixels is a run of floats, and the tile reads them in place through a table of rows. A tile of 8
// pixels or fewer (the last of a 7x7 or 14x14 image: 49 = 48 + 1, 196 = 4 x 48 + 4) is vectorised along its 8 output
// channels instead, one or two pixels for several tiles of output channels at once (independent chains of sums).
// Compiled for AVX-512 and, as plain loops the compiler vectorises, for AVX2+FMA and the baseline, chosen at run
// time; the importer uses the layer only where the AVX-512 tile runs (with the AVX2 loops the forward took 24 ms a
// face, OpenCV's 17-19 ms). Like depthwise.cpp's layer it pads asymmetrically itself and takes in the following
// BatchNorm and ReLU/ReLU6 (tryFuse). It also takes in a depthwise convolution after them and the 1x1
// convolution after that (MobileNetV2's inverted residual block: expand, depthwise, project; and its first
// convolution) and runs the three a few rows at a time, so that the expanded image (block_1's: 96 channels of
// 112x112, 4.8 MB) is never written whole and read back (forwardBlock). Tests check every variant against OpenCV's
// Convolution and the block against its layers apart (Sources/CMaskBenchDNNTestSupport).
//
// Rounding, so that the classifier's decisions stay TensorFlow's (the issue asks maskScore within 1e-5 of the
// seed's; OpenCV's own convolution is 7.9e-6 from it over the Kaggle set's 335 detected faces). (1) The
// BatchNorm's scale multiplies each sum, as the model's separate BatchNormalization layer does, rather than being
// folded into the weights, which rounds every weight once more: folded, this layer was 1.1e-5 from the seed;
// not folded, 7.2e-6. (2) The sum over the input channels runs in blocks of 64 products, each summed from zero
// in registers and then added to the running sum, rather than in one chain of up to 960: the mean difference
// from a float64 TensorFlow forward drops from 1.05e-6 to 8.2e-7 (OpenCV's: 8.7e-7), at one addition per 64
// products (Benchmarks/README.md).

#include "dnn_internal.hpp"

#include <opencv2/core/utility.hpp>
#include <opencv2/dnn/all_layers.hpp>
#include <opencv2/dnn/layer.details.hpp>

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>

namespace {

/// Output channels per tile.
constexpr int tileRows = 8;
/// Output pixels per tile (three AVX-512 vectors).
constexpr int tileColumns = 48;

/// Geometry of one convolution.
struct Geometry {
    int channels, kernelH, kernelW, strideH, strideW, padTop, padLeft;
    int inH, inW, outH, outW;
    int depth() const { return channels * kernelH * kernelW; }
};

/// ceil(a / b) and floor(a / b) for b > 0 and any sign of a.
inline int ceilDiv(int a, int b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }
inline int floorDiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/// Packs output pixels [first, first + count) of one image into `panel` (depth rows of tileColumns floats):
/// row (c, ky, kx) holds the input pixel each output pixel reads through that tap, 0 outside the image and past
/// `count`. The pixels are taken one output row at a time: a tap's input row is checked once per output row, and
/// its columns inside the image are one strided copy.
void packPanel(const Geometry &g, const float *in, int first, int count, float *panel) {
    const size_t plane = static_cast<size_t>(g.inH) * g.inW;
    const int depth = g.depth();
    for (int d = 0; d < depth; d++) {
        std::fill(panel + static_cast<size_t>(d) * tileColumns + count, panel + static_cast<size_t>(d + 1) * tileColumns,
                  0.0f);
    }
    for (int j = 0; j < count;) {
        const int oy = (first + j) / g.outW, ox0 = (first + j) % g.outW;
        const int run = std::min(count - j, g.outW - ox0);
        for (int ky = 0; ky < g.kernelH; ky++) {
            const int iy = oy * g.strideH - g.padTop + ky;
            const bool inside = iy >= 0 && iy < g.inH;
            for (int kx = 0; kx < g.kernelW; kx++) {
                // Output columns ox0 + i (0 <= i < run) read input column (ox0 + i) * strideW - padLeft + kx.
                const int base = ox0 * g.strideW - g.padLeft + kx;
                const int lo = inside ? std::max(0, ceilDiv(-base, g.strideW)) : run;
                const int hi = inside ? std::min(run - 1, floorDiv(g.inW - 1 - base, g.strideW)) : run - 1;
                for (int c = 0; c < g.channels; c++) {
                    float *row = panel + static_cast<size_t>((c * g.kernelH + ky) * g.kernelW + kx) * tileColumns + j;
                    std::fill(row, row + std::min(lo, run), 0.0f);
                    if (inside) {
                        const float *source = in + c * plane + static_cast<size_t>(iy) * g.inW + base;
                        for (int i = lo; i <= hi; i++) {
                            row[i] = source[i * g.strideW];
                        }
                    }
                    std::fill(row + std::max(lo, hi + 1), row + run, 0.0f);
                }
            }
        }
        j += run;
    }
}

/// One image's input split by column phase, for a window at stride strideW: plane (c, p) row iy holds input
/// columns j * strideW + p of channel c, row iy, for j from -margin on (0 outside the image). The tap (c, ky, kx) of
/// output pixel (oy, ox) reads input row oy * strideH - padTop + ky, column ox * strideW - padLeft + kx: with
/// kx - padLeft = q * strideW + p, plane (c, p) at j = ox + q. The taps of a run of output pixels in one row are
/// then runs of plane rows, which the tile reads in place (tileAVX512Table) rather than from a packed panel:
/// forwardBlock's first convolution (MobileNetV2's 3x3 at stride 2 over 3 channels) spent 0.13 ms of its 0.67
/// packing panels, one strided float at a time.
struct PhasePlanes {
    /// Floats before column 0 of a row, and floats per row.
    int margin = 0, width = 0;
    /// The planes, (c, p) by row; and one row of zeros, for the rows outside the image.
    std::vector<float> data, zeros;

    /// Where plane (c, p)'s row iy (0 <= iy < inH) starts in `data`, at j = -margin.
    size_t offset(const Geometry &g, int c, int p, int iy) const {
        return ((static_cast<size_t>(c) * g.strideW + p) * g.inH + iy) * width;
    }

    /// Plane (c, p)'s row iy (0 <= iy < inH), from j = -margin.
    const float *row(const Geometry &g, int c, int p, int iy) const { return data.data() + offset(g, c, p, iy); }

    /// Splits the image `in` (g's input) into the planes.
    void split(const Geometry &g, const float *in) {
        const int qMin = floorDiv(-g.padLeft, g.strideW), qMax = floorDiv(g.kernelW - 1 - g.padLeft, g.strideW);
        margin = std::max(0, -qMin);
        width = margin + g.outW + std::max(0, qMax);
        data.resize(static_cast<size_t>(g.channels) * g.strideW * g.inH * width);
        zeros.assign(static_cast<size_t>(width), 0.0f);
        const size_t plane = static_cast<size_t>(g.inH) * g.inW;
        for (int c = 0; c < g.channels; c++) {
            for (int p = 0; p < g.strideW; p++) {
                for (int iy = 0; iy < g.inH; iy++) {
                    splitRow(g, in + c * plane + static_cast<size_t>(iy) * g.inW, p, data.data() + offset(g, c, p, iy));
                }
            }
        }
    }

    /// One row of plane p from the input row `source`: out[jj] = source[(jj - margin) * strideW + p] inside it.
    void splitRow(const Geometry &g, const float *source, int p, float *out) const {
        // Columns j with 0 <= j * strideW + p < inW.
        const int lo = std::max(-margin, ceilDiv(-p, g.strideW));
        const int hi = std::min(width - margin - 1, floorDiv(g.inW - 1 - p, g.strideW));
        std::fill(out, out + std::max(0, std::min(width, lo + margin)), 0.0f);
        int j = lo;
        if (g.strideW == 2) {
            j = splitEvenOddAVX512(source, p, lo, hi, out + margin);
        }
        for (; j <= hi; j++) {
            out[margin + j] = source[j * g.strideW + p];
        }
        std::fill(out + std::max(0, std::max(lo, hi + 1) + margin), out + width, 0.0f);
    }

    /// splitRow's columns j = lo ... for stride 2, 16 at a time while the 32 floats read are inside the row:
    /// returns the first j left for the loop. Only where the AVX-512 tile runs (the planes are for it).
    __attribute__((target("avx512f"))) static int splitEvenOddAVX512(const float *source, int p, int lo, int hi,
                                                                      float *out) {
        const __m512i pick = _mm512_add_epi32(
            _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), _mm512_set1_epi32(p));
        int j = lo;
        // The 32 floats from source[2j] cover columns 2j + p ... 2j + 30 + p (p = 0 or 1).
        for (; j + 15 <= hi && 2 * j + 31 <= 2 * hi + p; j += 16) {
            const __m512 a = _mm512_loadu_ps(source + 2 * j), b = _mm512_loadu_ps(source + 2 * j + 16);
            _mm512_storeu_ps(out + j, _mm512_permutex2var_ps(a, pick, b));
        }
        return j;
    }
};

/// forwardBlock's buffer of expanded rows: an expanded image up to wholeImageBytes is computed whole, a larger
/// one in strips of about stripBytes (a fraction of this CPU's 1 MB L2; measured with 64, 192 and 512 KB).
constexpr size_t stripBytes = 192 * 1024;
constexpr size_t wholeImageBytes = 1024 * 1024;

/// How far ahead (floats: 64 steps of the sum) the AVX-512 tile prefetches its weights into L1. A face's forward
/// reads 14 MB of weights, which the other layers and res10 push out of the caches between two faces; one
/// prefetch per cache line of weights. Measured with the classifier driver (6 interleaved pairs, load 1.2-1.6):
/// 9.79 -> 9.36 ms a face (256 floats: 9.71).
constexpr int prefetchAhead = 512;

/// Products (input channels x taps) summed in registers before they are added to the running sum (tileBody).
constexpr int blockDepth = 64;

/// One tile: out[r][j] = clamp(scale[r] * (sum over d of weights[d][r] * panel[d][j]) + bias[r], low, high) for
/// the first `rows` rows and `columns` columns; `weights` is depth x tileRows, the panel's rows are `panelStride`
/// floats apart (tileColumns when packed, the input's plane when read in place) and only their first `columns`
/// floats are read; `out` rows are `stride` floats apart.
using TileFunction = void (*)(int depth, const float *weights, const float *panel, size_t panelStride,
                              const float *scale, const float *bias, float low, float high, float *out, size_t stride,
                              int rows, int columns);

/// The tile as plain loops. The sum over d runs in blocks of blockDepth products: each block is summed in order
/// from zero, then added to the sum of the blocks before it (kept in L1); scale and bias come last. The extra
/// additions are one per blockDepth products (see the file's comment for why).
__attribute__((always_inline)) inline void tileBody(int depth, const float *weights, const float *panel,
                                                    size_t panelStride, const float *scale, const float *bias,
                                                    float low, float high, float *out, size_t stride, int rows,
                                                    int columns) {
    float sum[tileRows][tileColumns] = {};
    for (int start = 0; start < depth; start += blockDepth) {
        float acc[tileRows][tileColumns] = {};
        for (int d = start; d < std::min(depth, start + blockDepth); d++) {
            const float *x = panel + static_cast<size_t>(d) * panelStride;
            const float *w = weights + static_cast<size_t>(d) * tileRows;
            for (int r = 0; r < tileRows; r++) {
                const float wr = w[r];
                for (int j = 0; j < columns; j++) {
                    acc[r][j] += wr * x[j];
                }
            }
        }
        for (int r = 0; r < tileRows; r++) {
            for (int j = 0; j < columns; j++) {
                sum[r][j] = start == 0 ? acc[r][j] : sum[r][j] + acc[r][j];
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        for (int j = 0; j < columns; j++) {
            out[r * stride + j] = std::min(std::max(sum[r][j] * scale[r] + bias[r], low), high);
        }
    }
}

void tileBaseline(int depth, const float *weights, const float *panel, size_t panelStride, const float *scale,
                  const float *bias, float low, float high, float *out, size_t stride, int rows, int columns) {
    tileBody(depth, weights, panel, panelStride, scale, bias, low, high, out, stride, rows, columns);
}

__attribute__((target("avx2,fma"))) void tileAVX2(int depth, const float *weights, const float *panel,
                                                   size_t panelStride, const float *scale, const float *bias,
                                                   float low, float high, float *out, size_t stride, int rows,
                                                   int columns) {
    tileBody(depth, weights, panel, panelStride, scale, bias, low, high, out, stride, rows, columns);
}

/// A tile's panel rows `stride` floats apart from `panel` (packed, or the input read in place).
struct StridedRows {
    const float *panel;
    size_t stride;
    const float *operator()(int d) const { return panel + static_cast<size_t>(d) * stride; }
};

/// A tile's panel rows where a table says, from column `column` on (forwardBlock's phase planes).
struct TableRows {
    const float *const *rows;
    size_t column;
    const float *operator()(int d) const { return rows[d] + column; }
};

/// The AVX-512 tile over `vectors` (1...3) vectors of 16 pixels, summed as tileBody does: a block's 8 x vectors
/// sums in registers, the blocks' running sum in `sum` (1.5 KB, in L1). The last vector's load is masked to
/// `columns`, so nothing past them is read. `panelRow(d)` is the panel's row d (StridedRows, TableRows).
template <int vectors, typename Rows>
__attribute__((target("avx512f"), always_inline)) inline void tileAVX512Vectors(
    int depth, const float *weights, Rows panelRow, const float *scale, const float *bias, float low, float high,
    float *out, size_t stride, int rows, int columns) {
    alignas(64) float sum[tileRows][vectors][16];
    __m512 acc[tileRows][vectors];
    const int lastColumns = columns - 16 * (vectors - 1);
    const __mmask16 last = lastColumns >= 16 ? static_cast<__mmask16>(0xffff)
                                             : static_cast<__mmask16>((1u << lastColumns) - 1);
    // A zero the compiler cannot see through: with _mm512_setzero_ps it wrote the 24 zeros to the stack with a
    // call to memset and loaded them back, once per block (2% of a run's samples).
    __m512 zero;
    asm("vpxord %0, %0, %0" : "=v"(zero));
    for (int start = 0; start < depth; start += blockDepth) {
        for (int r = 0; r < tileRows; r++) {
            for (int v = 0; v < vectors; v++) {
                acc[r][v] = zero;
            }
        }
        const int end = std::min(depth, start + blockDepth);
        for (int d = start; d < end; d++) {
            const float *x = panelRow(d);
            const float *w = weights + static_cast<size_t>(d) * tileRows;
            if ((d & 1) == 0) {
                _mm_prefetch(reinterpret_cast<const char *>(w + prefetchAhead), _MM_HINT_T0);
            }
            __m512 xs[vectors];
            for (int v = 0; v < vectors - 1; v++) {
                xs[v] = _mm512_loadu_ps(x + 16 * v);
            }
            xs[vectors - 1] = _mm512_maskz_loadu_ps(last, x + 16 * (vectors - 1));
            for (int r = 0; r < tileRows; r++) {
                const __m512 wr = _mm512_set1_ps(w[r]);
                for (int v = 0; v < vectors; v++) {
                    acc[r][v] = _mm512_fmadd_ps(wr, xs[v], acc[r][v]);
                }
            }
        }
        // acc becomes the sum so far; it is stored only when another block follows.
        for (int r = 0; r < tileRows; r++) {
            for (int v = 0; v < vectors; v++) {
                if (start > 0) {
                    acc[r][v] = _mm512_add_ps(_mm512_load_ps(sum[r][v]), acc[r][v]);
                }
                if (end < depth) {
                    _mm512_store_ps(sum[r][v], acc[r][v]);
                }
            }
        }
    }
    const __m512 lo = _mm512_set1_ps(low), hi = _mm512_set1_ps(high);
    for (int r = 0; r < rows; r++) {
        float *row = out + r * stride;
        const __m512 s = _mm512_set1_ps(scale[r]), b = _mm512_set1_ps(bias[r]);
        for (int v = 0; v < vectors; v++) {
            const __m512 value = _mm512_min_ps(_mm512_max_ps(_mm512_fmadd_ps(acc[r][v], s, b), lo), hi);
            if (v < vectors - 1) {
                _mm512_storeu_ps(row + 16 * v, value);
            } else {
                _mm512_mask_storeu_ps(row + 16 * v, last, value);
            }
        }
    }
}

/// tileAVX512Vectors with as many vectors as `columns` (1...48) take.
template <typename Rows>
__attribute__((target("avx512f"), always_inline)) inline void tileAVX512Columns(
    int depth, const float *weights, Rows panelRow, const float *scale, const float *bias, float low, float high,
    float *out, size_t stride, int rows, int columns) {
    if (columns > 32) {
        tileAVX512Vectors<3>(depth, weights, panelRow, scale, bias, low, high, out, stride, rows, columns);
    } else if (columns > 16) {
        tileAVX512Vectors<2>(depth, weights, panelRow, scale, bias, low, high, out, stride, rows, columns);
    } else {
        tileAVX512Vectors<1>(depth, weights, panelRow, scale, bias, low, high, out, stride, rows, columns);
    }
}

/// A tile of `columns` (1...8) pixels, vectorised along its 8 output channels instead (one 8-lane vector of
/// sums per pixel, one broadcast input per pixel and step): a 16-lane vector would be mostly idle there, as in
/// the last tile of a 7x7 image (49 pixels: 48 and 1) or a 14x14 one (196: 4 x 48 and 4). Each output is summed
/// exactly as tileAVX512Vectors sums it (the same fused multiply-adds in the same order), so the two agree to the
/// bit.
template <int columns>
__attribute__((target("avx512f,avx2,fma"), always_inline)) inline void tileAVX512Narrow(
    int depth, const float *weights, const float *panel, size_t panelStride, const float *scale, const float *bias,
    float low, float high, float *out, size_t stride, int rows) {
    __m256 sum[columns], acc[columns];
    for (int start = 0; start < depth; start += blockDepth) {
        for (int j = 0; j < columns; j++) {
            acc[j] = _mm256_setzero_ps();
        }
        const int end = std::min(depth, start + blockDepth);
        for (int d = start; d < end; d++) {
            const float *x = panel + static_cast<size_t>(d) * panelStride;
            const __m256 w = _mm256_loadu_ps(weights + static_cast<size_t>(d) * tileRows);
            for (int j = 0; j < columns; j++) {
                acc[j] = _mm256_fmadd_ps(w, _mm256_set1_ps(x[j]), acc[j]);
            }
        }
        for (int j = 0; j < columns; j++) {
            sum[j] = start == 0 ? acc[j] : _mm256_add_ps(sum[j], acc[j]);
        }
    }
    const __m256 s = _mm256_loadu_ps(scale), b = _mm256_loadu_ps(bias);
    const __m256 lo = _mm256_set1_ps(low), hi = _mm256_set1_ps(high);
    for (int j = 0; j < columns; j++) {
        alignas(32) float value[tileRows];
        _mm256_store_ps(value, _mm256_min_ps(_mm256_max_ps(_mm256_fmadd_ps(sum[j], s, b), lo), hi));
        for (int r = 0; r < rows; r++) {
            out[r * stride + j] = value[r];
        }
    }
}

/// tileAVX512Narrow over `group` consecutive tiles of 8 output channels at once (their packed weights depth x 8
/// floats apart), `rows` output channels in all: with one or two columns a tile's sums are one or two chains of
/// dependent fused multiply-adds, which wait on each other's latency (the last pixel of a 7x7 image, 49 = 48 + 1,
/// took 12% of such a layer's time); the group's chains are independent. Each output is summed exactly as
/// tileAVX512Narrow sums it.
template <int columns, int group>
__attribute__((target("avx512f,avx2,fma"), always_inline)) inline void narrowGroupAVX512(
    int depth, const float *weights, const float *panel, size_t panelStride, const float *scale, const float *bias,
    float low, float high, float *out, size_t stride, int rows) {
    const size_t tileWeights = static_cast<size_t>(depth) * tileRows;
    __m256 sum[group][columns], acc[group][columns];
    for (int start = 0; start < depth; start += blockDepth) {
        for (int t = 0; t < group; t++) {
            for (int j = 0; j < columns; j++) {
                acc[t][j] = _mm256_setzero_ps();
            }
        }
        const int end = std::min(depth, start + blockDepth);
        for (int d = start; d < end; d++) {
            const float *x = panel + static_cast<size_t>(d) * panelStride;
            __m256 xs[columns];
            for (int j = 0; j < columns; j++) {
                xs[j] = _mm256_set1_ps(x[j]);
            }
            for (int t = 0; t < group; t++) {
                const __m256 w = _mm256_loadu_ps(weights + t * tileWeights + static_cast<size_t>(d) * tileRows);
                for (int j = 0; j < columns; j++) {
                    acc[t][j] = _mm256_fmadd_ps(w, xs[j], acc[t][j]);
                }
            }
        }
        for (int t = 0; t < group; t++) {
            for (int j = 0; j < columns; j++) {
                sum[t][j] = start == 0 ? acc[t][j] : _mm256_add_ps(sum[t][j], acc[t][j]);
            }
        }
    }
    const __m256 lo = _mm256_set1_ps(low), hi = _mm256_set1_ps(high);
    for (int t = 0; t < group; t++) {
        const __m256 s = _mm256_loadu_ps(scale + t * tileRows), b = _mm256_loadu_ps(bias + t * tileRows);
        for (int j = 0; j < columns; j++) {
            alignas(32) float value[tileRows];
            _mm256_store_ps(value, _mm256_min_ps(_mm256_max_ps(_mm256_fmadd_ps(sum[t][j], s, b), lo), hi));
            for (int r = 0; r < std::min(tileRows, rows - t * tileRows); r++) {
                out[static_cast<size_t>(t * tileRows + r) * stride + j] = value[r];
            }
        }
    }
}

/// How many tiles of 8 output channels narrowGroupAVX512 takes at once for a tile of `columns` pixels: enough for
/// four independent chains, or 1 (tileAVX512 alone).
constexpr int narrowGroup(int columns) { return columns == 1 ? 4 : columns == 2 ? 2 : 1; }

/// narrowGroupAVX512 for 1 or 2 columns (narrowGroup(columns) tiles).
__attribute__((target("avx512f,avx2,fma"))) void narrowGroupsAVX512(
    int depth, const float *weights, const float *panel, size_t panelStride, const float *scale, const float *bias,
    float low, float high, float *out, size_t stride, int rows, int columns) {
    if (columns == 1) {
        narrowGroupAVX512<1, narrowGroup(1)>(depth, weights, panel, panelStride, scale, bias, low, high, out, stride,
                                             rows);
    } else {
        narrowGroupAVX512<2, narrowGroup(2)>(depth, weights, panel, panelStride, scale, bias, low, high, out, stride,
                                             rows);
    }
}

__attribute__((target("avx512f,avx2,fma"))) void tileAVX512(int depth, const float *weights, const float *panel,
                                                             size_t panelStride, const float *scale,
                                                             const float *bias, float low, float high, float *out,
                                                             size_t stride, int rows, int columns) {
#define MB_TILE_ARGUMENTS depth, weights, panel, panelStride, scale, bias, low, high, out, stride, rows
    switch (columns) {
    case 1: return tileAVX512Narrow<1>(MB_TILE_ARGUMENTS);
    case 2: return tileAVX512Narrow<2>(MB_TILE_ARGUMENTS);
    case 3: return tileAVX512Narrow<3>(MB_TILE_ARGUMENTS);
    case 4: return tileAVX512Narrow<4>(MB_TILE_ARGUMENTS);
    case 5: return tileAVX512Narrow<5>(MB_TILE_ARGUMENTS);
    case 6: return tileAVX512Narrow<6>(MB_TILE_ARGUMENTS);
    case 7: return tileAVX512Narrow<7>(MB_TILE_ARGUMENTS);
    case 8: return tileAVX512Narrow<8>(MB_TILE_ARGUMENTS);
    default: break;
    }
#undef MB_TILE_ARGUMENTS
    tileAVX512Columns(depth, weights, StridedRows{panel, panelStride}, scale, bias, low, high, out, stride, rows,
                      columns);
}

/// The least columns tileAVX512Table takes (fewer go through tileAVX512Narrow, which reads a packed panel).
constexpr int tableColumns = 9;

/// tileAVX512 for tableColumns...tileColumns columns of a panel whose row d starts at `panelRows[d] + column`:
/// the same sums, to the bit.
__attribute__((target("avx512f,avx2,fma"))) void tileAVX512Table(int depth, const float *weights,
                                                                  const float *const *panelRows, size_t column,
                                                                  const float *scale, const float *bias, float low,
                                                                  float high, float *out, size_t stride, int rows,
                                                                  int columns) {
    tileAVX512Columns(depth, weights, TableRows{panelRows, column}, scale, bias, low, high, out, stride, rows,
                      columns);
}

/// The variants this CPU runs, best last.
std::vector<TileFunction> supportedTileFunctions() {
    std::vector<TileFunction> variants{tileBaseline};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        variants.push_back(tileAVX2);
        if (__builtin_cpu_supports("avx512f")) {
            variants.push_back(tileAVX512);
        }
    }
    return variants;
}

const std::vector<TileFunction> &tileFunctions() {
    static const std::vector<TileFunction> variants = supportedTileFunctions();
    return variants;
}

/// A kernel's weights as the tiles read them: for each tile of 8 output channels, depth rows of 8 (zeros past the
/// last channel). A BatchNorm does not change them (tryFuse), so they are packed once.
struct PackedWeights {
    int outChannels = 0, depth = 0;
    std::vector<float> packed;

    /// Where output channel o's weight d is.
    size_t index(int o, int d) const {
        return static_cast<size_t>(o / tileRows) * depth * tileRows + static_cast<size_t>(d) * tileRows + o % tileRows;
    }

    /// Whether these are `rows` (output channels x depth) packed, to the bit.
    bool packs(const cv::Mat &rows) const {
        if (rows.rows != outChannels || rows.cols != depth) {
            return false;
        }
        for (int o = 0; o < outChannels; o++) {
            const float *k = rows.ptr<float>(o);
            for (int d = 0; d < depth; d++) {
                if (std::memcmp(&k[d], &packed[index(o, d)], sizeof(float)) != 0) {
                    return false;
                }
            }
        }
        return true;
    }
};

/// The packed weights of `kernel` (output channels x input channels x taps), shared by every layer alive whose
/// kernel has the same shape and bits (compared with the packed copy itself): each worker of `maskbench run` loads
/// its own network from the same model file, and one copy of the classifier's 14 MB of weights, rather than one
/// per worker, then fills the caches the workers share.
std::shared_ptr<const PackedWeights> packedWeights(const cv::Mat &kernel) {
    const cv::Mat rows = kernel.reshape(1, kernel.size[0]);
    static std::mutex mutex;
    static std::vector<std::weak_ptr<const PackedWeights>> alive;
    const std::lock_guard<std::mutex> lock(mutex);
    for (auto it = alive.begin(); it != alive.end();) {
        auto weights = it->lock();
        if (weights == nullptr) {
            it = alive.erase(it);
        } else if (weights->packs(rows)) {
            return weights;
        } else {
            ++it;
        }
    }
    auto weights = std::make_shared<PackedWeights>();
    weights->outChannels = rows.rows;
    weights->depth = rows.cols;
    const size_t rowTiles = static_cast<size_t>(rows.rows + tileRows - 1) / tileRows;
    weights->packed.assign(rowTiles * rows.cols * tileRows, 0.0f);
    for (int o = 0; o < rows.rows; o++) {
        const float *k = rows.ptr<float>(o);
        for (int d = 0; d < rows.cols; d++) {
            weights->packed[weights->index(o, d)] = k[d];
        }
    }
    alive.push_back(weights);
    return weights;
}

class ConvolutionLayer final : public cv::dnn::Layer {
  public:
    explicit ConvolutionLayer(const cv::dnn::LayerParams &params) : cv::dnn::Layer(params), window_(params) {
        const auto &variants = tileFunctions();
        int variant = params.get<int>("variant", -1);
        CV_Assert(variant < static_cast<int>(variants.size()));
        tile_ = variant >= 0 ? variants[static_cast<size_t>(variant)] : variants.back();
        CV_Assert(!params.blobs.empty() && params.blobs[0].dims == 4 && params.blobs[0].type() == CV_32F);
        outChannels_ = params.blobs[0].size[0];
        inChannels_ = params.blobs[0].size[1];
        CV_Assert(params.blobs[0].size[2] == window_.kernelH && params.blobs[0].size[3] == window_.kernelW);
        CV_Assert(window_.dilationH == 1 && window_.dilationW == 1);
        weights_ = packedWeights(params.blobs[0]);
        packed_ = weights_->packed.data();
        const size_t rowTiles = static_cast<size_t>(outChannels_ + tileRows - 1) / tileRows;
        originalBias_ = mbdnn::layerBias(params, outChannels_, rowTiles * tileRows);
        // A test builds the layers of a block apart with take_block = 0 (the importer: keepConvolutionApart).
        takesBlock_ = params.get<int>("take_block", 1) != 0;
        unfuse();
    }

    /// OpenCV finalizes every layer, then fuses them again, each time the input shape changes: start from the
    /// layer's own scale and bias, so a BatchNorm and an activation are taken in once.
    void finalize(cv::InputArrayOfArrays, cv::OutputArrayOfArrays) override { unfuse(); }

    static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams &params) {
        return cv::makePtr<ConvolutionLayer>(params);
    }

    /// Keeps the layers after this one apart (mbdnn::keepConvolutionApart).
    void keepApart() { takesBlock_ = false; }

    bool getMemoryShapes(const std::vector<cv::dnn::MatShape> &inputs, const int,
                         std::vector<cv::dnn::MatShape> &outputs, std::vector<cv::dnn::MatShape> &) const override {
        outputs.assign(1, window_.outputShape(inputs, inChannels_, outChannels_));
        return false;
    }

    /// Takes in the layers that follow, as OpenCV offers them one by one until one is refused: a BatchNorm or
    /// Scale (any layer with a per-channel scale and shift) as the scale and bias applied to each sum, not folded
    /// into the weights (TensorFlow scales the convolution's output, and scaling each weight first adds a rounding
    /// per product: see the file's comment); a ReLU6 or plain ReLU as a clamp. A 1x1 convolution at stride 1 then
    /// takes in a depthwise convolution over its outputs (depthwise.cpp's layer, with its own BatchNorm and
    /// activation) and a 1x1 convolution after that (MobileNetV2's expand, depthwise and project): see
    /// forwardBlock.
    bool tryFuse(cv::Ptr<cv::dnn::Layer> &top) override {
        if (top.empty()) {
            return false;
        }
        if (depthwise_.empty()) {
            if (takeScaleShiftOrClamp(top)) {
                return true;
            }
            int channels = 0;
            if (takesBlock_ && mbdnn::depthwiseWindow(top, channels) != nullptr &&
                channels == outChannels_) {
                depthwise_ = top;
                return true;
            }
            return false;
        }
        if (project_ == nullptr) {
            if (depthwise_->tryFuse(top)) {
                return true;
            }
            if (auto activation = top.dynamicCast<cv::dnn::ActivationLayer>()) {
                return depthwise_->setActivation(activation);
            }
            auto *project = dynamic_cast<ConvolutionLayer *>(top.get());
            if (project != nullptr && project != this && project->isPointwise() && project->depthwise_.empty() &&
                project->inChannels_ == outChannels_) {
                projectLayer_ = top;
                project_ = project;
                return true;
            }
            return false;
        }
        return project_->takeScaleShiftOrClamp(top);
    }

    /// Takes a following ReLU6 or plain ReLU as a clamp (when OpenCV offers it here rather than to tryFuse).
    bool setActivation(const cv::Ptr<cv::dnn::ActivationLayer> &layer) override {
        return depthwise_.empty() && clamp_.take(layer);
    }

    void forward(cv::InputArrayOfArrays inputsArray, cv::OutputArrayOfArrays outputsArray,
                 cv::OutputArrayOfArrays) override {
        auto [x, y] = mbdnn::forwardBlobs(inputsArray, outputsArray);
        CV_Assert(x.size[1] == inChannels_);
        if (!depthwise_.empty()) {
            forwardBlock(x, y);
            return;
        }
        const Geometry g = geometry(x.size[2], x.size[3]);
        CV_Assert(y.size[0] == x.size[0] && y.size[1] == outChannels_ && y.size[2] == g.outH && y.size[3] == g.outW);
        const int pixels = g.outH * g.outW;
        const int tilesPerImage = (pixels + tileColumns - 1) / tileColumns;
        const size_t inImage = static_cast<size_t>(inChannels_) * g.inH * g.inW;
        const size_t outImage = static_cast<size_t>(outChannels_) * pixels;
        const float *src = x.ptr<float>();
        float *dst = y.ptr<float>();
        cv::parallel_for_(cv::Range(0, x.size[0] * tilesPerImage), [&](const cv::Range &range) {
            for (int t = range.start; t < range.end; t++) {
                const int first = t % tilesPerImage * tileColumns;
                outputTiles(g, src + t / tilesPerImage * inImage, first, std::min(tileColumns, pixels - first),
                            dst + t / tilesPerImage * outImage + first, static_cast<size_t>(pixels));
            }
        });
    }

  private:
    /// The layer's own scale (1), bias and no activation, no layer taken in.
    void unfuse() {
        scale_.assign(originalBias_.size(), 1.0f);
        bias_ = originalBias_;
        clamp_ = mbdnn::Clamp();
        depthwise_.release();
        projectLayer_.release();
        project_ = nullptr;
    }

    /// A 1x1 window at stride 1 without padding: the input is read in place.
    bool isPointwise() const {
        const mbdnn::Window &w = window_;
        return w.kernelH == 1 && w.kernelW == 1 && w.strideH == 1 && w.strideW == 1 && w.padTop == 0 &&
               w.padBottom == 0 && w.padLeft == 0 && w.padRight == 0;
    }

    /// Takes `top` as the scale and bias of each sum (before any activation) or as the clamp.
    bool takeScaleShiftOrClamp(const cv::Ptr<cv::dnn::Layer> &top) {
        if (!clamp_.taken && mbdnn::takeScaleShift(top, outChannels_, scale_.data(), bias_.data())) {
            return true;
        }
        auto activation = top.dynamicCast<cv::dnn::ActivationLayer>();
        return !activation.empty() && clamp_.take(activation);
    }

    /// This layer's geometry over an input of `height` x `width`.
    Geometry geometry(int height, int width) const {
        const mbdnn::Window &w = window_;
        return Geometry{inChannels_, w.kernelH, w.kernelW, w.strideH, w.strideW, w.padTop, w.padLeft,
                        height,      width,     w.outH(height), w.outW(width)};
    }

    /// Output pixels [first, first + count) of one image (`in`: its input) into `out` (output channels' rows
    /// `outStride` floats apart, starting at pixel `first`): the input read in place for a 1x1 window at stride 1;
    /// else, given the image's `phases`, its plane rows read in place (tileAVX512Table), runs of fewer than
    /// tableColumns pixels packed; else packed 48 pixels at a time (into a buffer of this thread's).
    void outputTiles(const Geometry &g, const float *in, int first, int count, float *out, size_t outStride,
                     const PhasePlanes *phases = nullptr) const {
        if (isPointwise()) {
            pointwiseTiles(in + first, static_cast<size_t>(g.inH) * g.inW, count, out, outStride);
            return;
        }
        const int depth = g.depth();
        // packPanel writes every float of the panel before a tile reads it.
        thread_local std::vector<float> panel;
        panel.resize(std::max(panel.size(), static_cast<size_t>(depth) * tileColumns));
        if (phases == nullptr) {
            for (int done = 0; done < count; done += tileColumns) {
                const int columns = std::min(tileColumns, count - done);
                packPanel(g, in, first + done, columns, panel.data());
                columnTiles(depth, panel.data(), tileColumns, columns, out + done, outStride);
            }
            return;
        }
        thread_local std::vector<const float *> rows;
        rows.resize(static_cast<size_t>(depth));
        for (int j = 0; j < count;) {
            // The taps of output row oy, from column ox0 to the row's end or `count`.
            const int oy = (first + j) / g.outW, ox0 = (first + j) % g.outW;
            const int run = std::min(count - j, g.outW - ox0);
            for (int c = 0; c < g.channels; c++) {
                for (int ky = 0; ky < g.kernelH; ky++) {
                    const int iy = oy * g.strideH - g.padTop + ky;
                    for (int kx = 0; kx < g.kernelW; kx++) {
                        const int q = floorDiv(kx - g.padLeft, g.strideW), p = kx - g.padLeft - q * g.strideW;
                        const float *row = iy >= 0 && iy < g.inH ? phases->row(g, c, p, iy) : phases->zeros.data();
                        rows[static_cast<size_t>((c * g.kernelH + ky) * g.kernelW + kx)] = row + phases->margin + q;
                    }
                }
            }
            for (int done = 0; done < run;) {
                // 48 pixels a tile; the last 49 to 96 in two tiles of whole vectors where it can (112: 48, 32, 32).
                const int left = run - done;
                const int columns = left <= tileColumns       ? left
                                    : left > 2 * tileColumns ? tileColumns
                                                              : std::min(tileColumns, (left / 2 + 15) / 16 * 16);
                float *target = out + j + done;
                if (columns >= tableColumns) {
                    columnTilesTable(depth, rows.data(), static_cast<size_t>(ox0 + done), columns, target, outStride);
                } else {
                    packPanel(g, in, first + j + done, columns, panel.data());
                    columnTiles(depth, panel.data(), tileColumns, columns, target, outStride);
                }
                done += columns;
            }
            j += run;
        }
    }

    /// columnTiles for tableColumns...tileColumns columns of a panel whose rows start at `rows[d] + column`.
    void columnTilesTable(int depth, const float *const *rows, size_t column, int columns, float *out,
                          size_t outStride) const {
        const int rowTiles = (outChannels_ + tileRows - 1) / tileRows;
        for (int rt = 0; rt < rowTiles; rt++) {
            const int row = rt * tileRows;
            tileAVX512Table(depth, packed_ + static_cast<size_t>(rt) * depth * tileRows, rows, column,
                            scale_.data() + row, bias_.data() + row, clamp_.low, clamp_.high,
                            out + static_cast<size_t>(row) * outStride, outStride,
                            std::min(tileRows, outChannels_ - row), columns);
        }
    }

    /// Every output channel of `columns` (at most tileColumns) pixels, tile by tile of 8 channels, from `panel`
    /// (depth rows `panelStride` floats apart) into `out` (rows `outStride` floats apart). With one or two columns
    /// the AVX-512 variant takes several tiles at once (narrowGroupAVX512).
    void columnTiles(int depth, const float *panel, size_t panelStride, int columns, float *out,
                     size_t outStride) const {
        const int rowTiles = (outChannels_ + tileRows - 1) / tileRows;
        const int group = tile_ == tileAVX512 ? narrowGroup(columns) : 1;
        int rt = 0;
        for (; group > 1 && rt + group <= rowTiles; rt += group) {
            const int row = rt * tileRows;
            narrowGroupsAVX512(depth, packed_ + static_cast<size_t>(rt) * depth * tileRows, panel, panelStride,
                               scale_.data() + row, bias_.data() + row, clamp_.low, clamp_.high,
                               out + static_cast<size_t>(row) * outStride, outStride, outChannels_ - row, columns);
        }
        for (; rt < rowTiles; rt++) {
            const int row = rt * tileRows;
            tile_(depth, packed_ + static_cast<size_t>(rt) * depth * tileRows, panel, panelStride,
                  scale_.data() + row, bias_.data() + row, clamp_.low, clamp_.high,
                  out + static_cast<size_t>(row) * outStride, outStride, std::min(tileRows, outChannels_ - row),
                  columns);
        }
    }

    /// The 1x1 convolution of `count` pixels read in place from `in` (input channels' rows `inStride` floats
    /// apart) into `out` (output channels' rows `outStride` floats apart).
    void pointwiseTiles(const float *in, size_t inStride, int count, float *out, size_t outStride) const {
        for (int first = 0; first < count; first += tileColumns) {
            columnTiles(inChannels_, in + first, inStride, std::min(tileColumns, count - first), out + first,
                        outStride);
        }
    }

    /// This 1x1 convolution, the depthwise convolution it took in and the 1x1 convolution after that (when taken
    /// in), a few output rows at a time: the expanded channels of the input rows those rows read are computed into
    /// a buffer of about blockBufferBytes, the depthwise convolution reads them there and writes its rows into a
    /// second buffer, which the last convolution reads. The expanded image (for MobileNetV2's block_1, 96 channels
    /// of 112x112: 4.8 MB) is never written whole, to be read back from memory by the next layer; the input rows
    /// two consecutive strips share are moved, not computed again. Each output is computed as the three layers
    /// compute it apart, so the outputs are the same to the bit.
    void forwardBlock(const cv::Mat &x, cv::Mat &y) const {
        int channels = 0;
        const mbdnn::Window *window = mbdnn::depthwiseWindow(depthwise_, channels);
        CV_Assert(window != nullptr && channels == outChannels_);
        const mbdnn::Window &dw = *window;
        // The expanded image is this layer's output (for a 1x1 window at stride 1, the input's size).
        const Geometry g = geometry(x.size[2], x.size[3]);
        const int images = x.size[0], height = g.outH, width = g.outW;
        const int outH = dw.outH(height), outW = dw.outW(width);
        const int outChannels = project_ != nullptr ? project_->outChannels_ : outChannels_;
        CV_Assert(y.size[0] == images && y.size[1] == outChannels && y.size[2] == outH && y.size[3] == outW);
        // Output rows per strip: all of them when the expanded image fits in wholeImageBytes (the buffer then holds
        // its rows, the padding rows not being stored: sized for the window's rows, a 7x7 image went in strips of 5
        // and 2 rows, a 14x14 one in 12 and 2), else as many as keep the expanded rows they read within
        // stripBytes.
        const size_t rowBytes = sizeof(float) * static_cast<size_t>(outChannels_) * width;
        const bool whole = rowBytes * height <= wholeImageBytes;
        const int bufferRows = std::max(dw.kernelH + dw.strideH, static_cast<int>(stripBytes / rowBytes));
        const int stripRows = whole ? outH : std::min(outH, (bufferRows - dw.kernelH) / dw.strideH + 1);
        const int expandedRows = whole ? height : (stripRows - 1) * dw.strideH + dw.kernelH;
        const size_t expandedPlane = static_cast<size_t>(expandedRows) * width;
        const size_t stripPlane = static_cast<size_t>(stripRows) * outW;
        // Each thread takes whole parts of an image's output rows (one part per image in a single thread).
        const int parts = std::max(1, std::min(outH, cv::getNumThreads()));
        const size_t inImage = static_cast<size_t>(inChannels_) * g.inH * g.inW;
        const size_t outImage = static_cast<size_t>(outChannels) * outH * outW;
        const float *src = x.ptr<float>();
        float *dst = y.ptr<float>();
        cv::parallel_for_(cv::Range(0, images * parts), [&](const cv::Range &range) {
            // Grown, never shrunk: every float a layer reads it has written first.
            thread_local std::vector<float> expanded, strip;
            expanded.resize(std::max(expanded.size(), static_cast<size_t>(outChannels_) * expandedPlane));
            strip.resize(std::max(strip.size(), static_cast<size_t>(outChannels_) * stripPlane));
            // A window other than 1x1 at stride 1 reads the image through its phase planes (where the AVX-512 tile
            // runs; one split of the whole image per part).
            thread_local PhasePlanes phases;
            const bool split = !isPointwise() && tile_ == tileAVX512;
            for (int t = range.start; t < range.end; t++) {
                const float *in = src + t / parts * inImage;
                float *out = dst + t / parts * outImage;
                const int part = t % parts;
                if (split) {
                    phases.split(g, in);
                }
                const int partEnd = outH * (part + 1) / parts;
                // Image rows [held, heldEnd) are in `expanded`.
                int held = 0, heldEnd = 0;
                for (int row = outH * part / parts; row < partEnd; row += stripRows) {
                    const int rows = std::min(stripRows, partEnd - row);
                    const int first = std::max(0, row * dw.strideH - dw.padTop);
                    const int end = std::min(height, (row + rows - 1) * dw.strideH - dw.padTop + dw.kernelH);
                    int kept = 0;
                    if (held <= first && first < heldEnd) {
                        kept = heldEnd - first;
                        for (int c = 0; c < outChannels_ && first > held; c++) {
                            float *plane = expanded.data() + c * expandedPlane;
                            std::memmove(plane, plane + static_cast<size_t>(first - held) * width,
                                         sizeof(float) * static_cast<size_t>(kept) * width);
                        }
                    }
                    outputTiles(g, in, (first + kept) * width, (end - first - kept) * width,
                                expanded.data() + static_cast<size_t>(kept) * width, expandedPlane,
                                split ? &phases : nullptr);
                    held = first;
                    heldEnd = end;
                    if (project_ == nullptr) {
                        mbdnn::depthwiseRows(depthwise_, expanded.data(), expandedPlane, first, end - first, width,
                                             row, rows, outW, out + static_cast<size_t>(row) * outW,
                                             static_cast<size_t>(outH) * outW);
                        continue;
                    }
                    mbdnn::depthwiseRows(depthwise_, expanded.data(), expandedPlane, first, end - first, width, row,
                                         rows, outW, strip.data(), stripPlane);
                    project_->pointwiseTiles(strip.data(), stripPlane, rows * outW,
                                             out + static_cast<size_t>(row) * outW, static_cast<size_t>(outH) * outW);
                }
            }
        });
    }

    mbdnn::Window window_;
    int inChannels_ = 0, outChannels_ = 0;
    /// Whether the layer may take in a depthwise convolution and what follows it (tryFuse).
    bool takesBlock_ = true;
    TileFunction tile_ = nullptr;
    /// The packed weights (packedWeights), and their first float.
    std::shared_ptr<const PackedWeights> weights_;
    const float *packed_ = nullptr;
    /// Per output channel, padded to whole tiles: the layer's bias, and after tryFuse the scale and bias.
    std::vector<float> originalBias_, scale_, bias_;
    mbdnn::Clamp clamp_;
    /// The depthwise convolution taken in (tryFuse), if any, and the 1x1 convolution after it, if any.
    cv::Ptr<cv::dnn::Layer> depthwise_, projectLayer_;
    ConvolutionLayer *project_ = nullptr;
};

} // namespace

namespace mbdnn {

const char *const convolutionLayerType = "MBConvolution";

void registerConvolutionLayer() {
    static std::once_flag once;
    std::call_once(once,
                   [] { cv::dnn::LayerFactory::registerLayer(convolutionLayerType, ConvolutionLayer::create); });
}

void keepConvolutionApart(const cv::Ptr<cv::dnn::Layer> &layer) {
    if (auto *convolution = dynamic_cast<ConvolutionLayer *>(layer.get())) {
        convolution->keepApart();
    }
}

size_t convolutionVariantCount() { return tileFunctions().size(); }

bool convolutionLayerIsFaster() { return tileFunctions().back() == tileAVX512; }

} // namespace mbdnn
