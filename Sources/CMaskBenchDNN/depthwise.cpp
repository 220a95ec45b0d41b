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
// Tests check every variant against OpenCV's grouped convolution (Sources/CMaskBenchDNNTestSupport).

#include "dnn_internal.hpp"

#include <opencv2/core/utility.hpp>
#include <opencv2/dnn/all_layers.hpp>
#include <opencv2/dnn/layer.details.hpp>

#include <algorithm>
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

__attribute__((target("avx512f,avx512vl,avx2,fma"))) void planeAVX512(const Geometry &g, const float *in,
                                                                      const float *kernel, float bias, float low,
                                                                      float high, const float *zeros, float *out) {
    planeBody(g, in, kernel, bias, low, high, zeros, out);
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
        std::vector<cv::Mat> inputs, outputs;
        inputsArray.getMatVector(inputs);
        outputsArray.getMatVector(outputs);
        CV_Assert(inputs.size() == 1 && outputs.size() == 1 && inputs[0].type() == CV_32F);
        const cv::Mat &x = inputs[0];
        cv::Mat &y = outputs[0];
        CV_Assert(x.isContinuous() && y.isContinuous() && x.dims == 4 && y.dims == 4);
        const mbdnn::Window &w = window_;
        const Geometry g{w.kernelH, w.kernelW, w.strideH,  w.strideW,  w.padTop,
                         w.padLeft, x.size[2], x.size[3], y.size[2], y.size[3]};
        const int planes = x.size[0] * channels_;
        const size_t inPlane = static_cast<size_t>(g.inH) * g.inW;
        const size_t outPlane = static_cast<size_t>(g.outH) * g.outW;
        const float *src = x.ptr<float>();
        float *dst = y.ptr<float>();
        const PlaneFunction plane = plane_;
        const std::vector<float> zeros(static_cast<size_t>(g.inW + g.kernelW), 0.0f);
        cv::parallel_for_(cv::Range(0, planes), [&](const cv::Range &range) {
            for (int p = range.start; p < range.end; p++) {
                int c = p % channels_;
                plane(g, src + p * inPlane, kernel_.ptr<float>(c), bias_[static_cast<size_t>(c)], clamp_.low, clamp_.high,
                      zeros.data(), dst + p * outPlane);
            }
        });
    }

  private:
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

} // namespace mbdnn
