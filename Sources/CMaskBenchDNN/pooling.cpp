// CMaskBenchDNN: pooling layers for OpenCV DNN: a max pooling ("MBMaxPool"), used for res10's Caffe Pooling layer
// (detect.cpp rewrites its type in the prototxt), and an average over the whole image ("MBAveragePool"), used by the
// Keras importer for GlobalAveragePooling2D and an AveragePooling2D whose window is its input (MobileNetV2's head).
//
// The maximum. res10's conv1_pool (3x3 at stride 2 over its first convolution's 32 x 150 x 150 output) took 0.4 ms an image
// in OpenCV 4.6's layer, and the convolution 0.36 ms more to turn its output from oneDNN's blocks of 16 channels
// (aBcd16b, its fastest kernel's layout: onednn_convolution.cpp) into NCHW for it. chainOneDNNLayouts has a
// convolution whose only reader is this layer write its blocks as they are, and this layer reads them: the maxima
// of 16 channels at once, 16 output pixels at a time, written to the 16 channels' planes through a transposition
// in L1. Otherwise (before the network is chained) it reads NCHW. It writes NCHW.
//
// What it computes: Caffe's MAX pooling as OpenCV computes it: each window cut at the input's edges (the output
// size rounded up, Caffe's ceil mode, unless `ceil_mode` is false), its largest value. A maximum is one of the
// window's values, so the outputs are OpenCV's to the bit (a test compares the layers on random blobs and res10's
// network with either layer; of two zeros of different signs OpenCV returns one or the other depending on its code
// path, and res10's ReLU writes no -0). Average and global pooling, padding and unknown parameters are refused when
// the layer is built, naming them. Measured on the 214 Kaggle images (res10 chained, either pooling layer): 0.25 to
// 0.34 ms an image less.
//
// The average: OpenCV 4.6 sums each channel's values in one chain (0.05-0.08 ms of the seeds' classifier's 7.5 a
// face, 1280 chains of 49 additions, each waiting for the one before); here 8 channels' chains run side by side.
// Each sum is OpenCV's (from 0, row by row, then times the float nearest 1 / pixels), so are the outputs, to the bit
// (a test compares the layers).

#include "dnn_internal.hpp"

#include <opencv2/core/utility.hpp>
#include <opencv2/dnn/layer.details.hpp>

#include <immintrin.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <string>
#include <vector>

// Each addition and product rounds on its own, as OpenCV's do (stated for the reader).
#pragma clang fp contract(off)

namespace {

class MaxPoolLayer final : public cv::dnn::Layer {
  public:
    /// Takes Caffe's MAX pooling with a kernel and a stride, without padding; refuses anything else, naming it.
    explicit MaxPoolLayer(const cv::dnn::LayerParams &params) : cv::dnn::Layer(params), window_(params) {
        const std::string unknown = mbdnn::unknownParameter(
            params, {"pool", "kernel_size", "kernel_h", "kernel_w", "stride", "stride_h", "stride_w", "pad", "pad_h",
                     "pad_w", "ceil_mode", "global_pooling"});
        if (!unknown.empty()) {
            refuse(unknown, "is not a parameter this layer knows");
        }
        if (params.has("pool")) {
            std::string pool = params.get<std::string>("pool");
            std::transform(pool.begin(), pool.end(), pool.begin(), [](unsigned char c) { return std::toupper(c); });
            if (pool != "MAX") {
                refuse("pool", "must be MAX");
            }
        }
        if (params.get<bool>("global_pooling", false)) {
            refuse("global_pooling", "must be false");
        }
        if (window_.padTop != 0 || window_.padBottom != 0 || window_.padLeft != 0 || window_.padRight != 0) {
            refuse("pad", "must be 0");
        }
        ceil_ = params.get<bool>("ceil_mode", true);
    }

    static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams &params) { return cv::makePtr<MaxPoolLayer>(params); }

    /// A new setup of the network: NCHW in until chainOneDNNLayouts says otherwise.
    void finalize(cv::InputArrayOfArrays, cv::OutputArrayOfArrays) override { blockedInput_ = false; }

    /// Reads the input in blocks of 16 channels (aBcd16b: channel c of pixel i at ((c / 16) * pixels + i) * 16 +
    /// c % 16), or NCHW. Whether it does as asked: blocks only where the CPU has AVX-512 (forwardBlocked).
    bool setBlockedInput(bool blocked) {
        blockedInput_ = blocked && __builtin_cpu_supports("avx512f");
        return blockedInput_ == blocked;
    }

    bool getMemoryShapes(const std::vector<cv::dnn::MatShape> &inputs, const int,
                         std::vector<cv::dnn::MatShape> &outputs, std::vector<cv::dnn::MatShape> &) const override {
        if (inputs.size() != 1 || inputs[0].size() != 4) {
            CV_Error(cv::Error::StsBadArg, "MBMaxPool '" + name + "': needs one 4-dimensional input");
        }
        const int height = outputSize(inputs[0][2], window_.kernelH, window_.strideH);
        const int width = outputSize(inputs[0][3], window_.kernelW, window_.strideW);
        if (height < 1 || width < 1) {
            CV_Error(cv::Error::StsBadArg, "MBMaxPool '" + name + "': the input is smaller than the window");
        }
        outputs.assign(1, cv::dnn::MatShape{inputs[0][0], inputs[0][1], height, width});
        return false;
    }

    void forward(cv::InputArrayOfArrays inputsArray, cv::OutputArrayOfArrays outputsArray,
                 cv::OutputArrayOfArrays) override {
        auto [x, y] = mbdnn::forwardBlobs(inputsArray, outputsArray);
        const int images = x.size[0], channels = x.size[1], height = x.size[2], width = x.size[3];
        const int outH = y.size[2], outW = y.size[3];
        const size_t inImage = x.total() / images, outImage = y.total() / images;
        CV_Assert(!blockedInput_ || channels % 16 == 0);
        const float *src = x.ptr<float>();
        float *dst = y.ptr<float>();
        cv::parallel_for_(cv::Range(0, images), [&](const cv::Range &range) {
            for (int i = range.start; i < range.end; i++) {
                if (blockedInput_) {
                    forwardBlocked(src + i * inImage, height, width, channels, dst + i * outImage, outH, outW);
                } else {
                    forwardPlanes(src + i * inImage, height, width, channels, dst + i * outImage, outH, outW);
                }
            }
        });
    }

  private:
    /// The output size along an axis of `size` inputs (rounded up in ceil mode, as Caffe and OpenCV do).
    int outputSize(int size, int kernel, int stride) const {
        const int span = size - kernel;
        return span < 0 ? 0 : (ceil_ ? (span + stride - 1) / stride : span / stride) + 1;
    }

    /// Output (oy, ox)'s window, cut at the input's edges: rows [y0, y1), columns [x0, x1).
    void window(int oy, int ox, int height, int width, int &y0, int &y1, int &x0, int &x1) const {
        y0 = oy * window_.strideH;
        y1 = std::min(height, y0 + window_.kernelH);
        x0 = ox * window_.strideW;
        x1 = std::min(width, x0 + window_.kernelW);
    }

    /// One image, NCHW in and out.
    void forwardPlanes(const float *in, int height, int width, int channels, float *out, int outH, int outW) const {
        for (int c = 0; c < channels; c++) {
            const float *plane = in + static_cast<size_t>(c) * height * width;
            float *target = out + static_cast<size_t>(c) * outH * outW;
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    int y0, y1, x0, x1;
                    window(oy, ox, height, width, y0, y1, x0, x1);
                    float largest = plane[y0 * width + x0];
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            largest = std::max(largest, plane[iy * width + ix]);
                        }
                    }
                    target[oy * outW + ox] = largest;
                }
            }
        }
    }

    /// One image, blocks of 16 channels in, NCHW out: per block and output row, 16 output pixels' maxima (one
    /// vector of 16 channels each) into `tile`, then each channel's 16 pixels from it into its plane.
    __attribute__((target("avx512f"))) void forwardBlocked(const float *in, int height, int width, int channels,
                                                           float *out, int outH, int outW) const {
        const size_t pixels = static_cast<size_t>(height) * width;
        alignas(64) float tile[16][16];
        for (int block = 0; block < channels / 16; block++) {
            const float *source = in + block * pixels * 16;
            for (int oy = 0; oy < outH; oy++) {
                for (int first = 0; first < outW; first += 16) {
                    const int count = std::min(16, outW - first);
                    for (int k = 0; k < count; k++) {
                        int y0, y1, x0, x1;
                        window(oy, first + k, height, width, y0, y1, x0, x1);
                        __m512 largest = _mm512_loadu_ps(source + (static_cast<size_t>(y0) * width + x0) * 16);
                        for (int iy = y0; iy < y1; iy++) {
                            for (int ix = x0; ix < x1; ix++) {
                                // vmaxps returns its second operand unless the first is larger (equal values, NaN):
                                // std::max(largest, value), as forwardPlanes takes it.
                                largest = _mm512_max_ps(
                                    _mm512_loadu_ps(source + (static_cast<size_t>(iy) * width + ix) * 16), largest);
                            }
                        }
                        _mm512_store_ps(tile[k], largest);
                    }
                    for (int lane = 0; lane < 16; lane++) {
                        float *target = out + (static_cast<size_t>(block * 16 + lane) * outH + oy) * outW + first;
                        for (int k = 0; k < count; k++) {
                            target[k] = tile[k][lane];
                        }
                    }
                }
            }
        }
    }

    /// OpenCV's CV_Error for a parameter of this layer.
    [[noreturn]] void refuse(const std::string &parameter, const std::string &why) const {
        CV_Error(cv::Error::StsBadArg, "MBMaxPool '" + name + "': parameter " + parameter + " " + why);
    }

    mbdnn::Window window_;
    bool ceil_ = true;
    bool blockedInput_ = false;
};

/// The average of each channel over the whole image (see the file's comment).
class AveragePoolLayer final : public cv::dnn::Layer {
  public:
    /// Takes no parameter; refuses any, naming it.
    explicit AveragePoolLayer(const cv::dnn::LayerParams &params) : cv::dnn::Layer(params) {
        const std::string unknown = mbdnn::unknownParameter(params, {});
        if (!unknown.empty()) {
            CV_Error(cv::Error::StsBadArg,
                     "MBAveragePool '" + name + "': parameter " + unknown + " is not a parameter this layer knows");
        }
    }

    static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams &params) {
        return cv::makePtr<AveragePoolLayer>(params);
    }

    bool getMemoryShapes(const std::vector<cv::dnn::MatShape> &inputs, const int,
                         std::vector<cv::dnn::MatShape> &outputs, std::vector<cv::dnn::MatShape> &) const override {
        if (inputs.size() != 1 || inputs[0].size() != 4) {
            CV_Error(cv::Error::StsBadArg, "MBAveragePool '" + name + "': needs one 4-dimensional input");
        }
        outputs.assign(1, cv::dnn::MatShape{inputs[0][0], inputs[0][1], 1, 1});
        return false;
    }

    void forward(cv::InputArrayOfArrays inputsArray, cv::OutputArrayOfArrays outputsArray,
                 cv::OutputArrayOfArrays) override {
        auto [x, y] = mbdnn::forwardBlobs(inputsArray, outputsArray);
        const size_t planes = static_cast<size_t>(x.size[0]) * x.size[1];
        const size_t pixels = static_cast<size_t>(x.size[2]) * x.size[3];
        // OpenCV's factor: 1 / pixels in double, rounded to float.
        const float inverse = static_cast<float>(1.0 / static_cast<double>(pixels));
        const float *in = x.ptr<float>();
        float *out = y.ptr<float>();
        constexpr size_t lanes = 8;
        size_t plane = 0;
        for (; plane + lanes <= planes; plane += lanes) {
            float sums[lanes] = {};
            for (size_t i = 0; i < pixels; i++) {
                for (size_t k = 0; k < lanes; k++) {
                    sums[k] += in[(plane + k) * pixels + i];
                }
            }
            for (size_t k = 0; k < lanes; k++) {
                out[plane + k] = sums[k] * inverse;
            }
        }
        for (; plane < planes; plane++) {
            float sum = 0.0f;
            for (size_t i = 0; i < pixels; i++) {
                sum += in[plane * pixels + i];
            }
            out[plane] = sum * inverse;
        }
    }
};

} // namespace

namespace mbdnn {

const char *const averagePoolLayerType = "MBAveragePool";

void registerAveragePoolLayer() {
    static std::once_flag once;
    std::call_once(once,
                   [] { cv::dnn::LayerFactory::registerLayer(averagePoolLayerType, AveragePoolLayer::create); });
}

const char *const maxPoolLayerType = "MBMaxPool";

void registerMaxPoolLayer() {
    static std::once_flag once;
    std::call_once(once, [] { cv::dnn::LayerFactory::registerLayer(maxPoolLayerType, MaxPoolLayer::create); });
}

bool setMaxPoolBlockedInput(const cv::Ptr<cv::dnn::Layer> &layer, bool blocked) {
    auto *pool = dynamic_cast<MaxPoolLayer *>(layer.get());
    return pool != nullptr && pool->setBlockedInput(blocked);
}

} // namespace mbdnn
