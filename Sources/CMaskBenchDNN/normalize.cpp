// CMaskBenchDNN: an SSD Normalize layer for OpenCV DNN ("MBNormalize"), used for res10's conv4_3_norm (detect.cpp
// rewrites its type in the prototxt).
//
// Why. OpenCV 4.6's Normalize took 1.0-1.7 ms an image (getPerfProfile, one thread, load 4-6) for res10's
// 128 x 38 x 38 floats, far above what 3 flops an element cost: it goes through whole-matrix operations, each a
// pass over the 740 KB blob or a copy of its size (abs, pow, reduce, repeat of the norms, multiply, repeat of the
// scales, multiply). This layer reads the input twice and writes the output once: 0.19-0.28 ms.
//
// What it computes, as OpenCV 4.6's NormalizeBBoxLayer (modules/dnn/src/layers/normalize_bbox_layer.cpp) does for
// res10's parameters (across_spatial false, the L2 norm, one learned scale per channel): for each image and each
// pixel j, norm[j] = x[0][j]^2 + x[1][j]^2 + ... in float, channel by channel (cv::reduce's order), plus eps; then
// norm[j]^(-1/2) through cv::pow itself (OpenCV's dispatched invSqrt32f, run in place on the row as OpenCV runs
// it); then y[c][j] = (x[c][j] x norm[j]) x scale[c], two float products as OpenCV's two multiply calls. Every
// output is OpenCV's to the bit: tests compare the two layers on res10's real blobs and random ones
// (Sources/CMaskBenchDNNTestSupport). Other parameters (across_spatial, another p, a shared scale, axes), an
// input of one pixel (OpenCV's other branch) and unknown parameters are refused, naming them.

#include "dnn_internal.hpp"

#include <opencv2/dnn/layer.details.hpp>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

// Every product and sum rounds on its own, as in OpenCV's build (no FMA in Debian's baseline).
#pragma clang fp contract(off)

namespace {

class NormalizeLayer final : public cv::dnn::Layer {
  public:
    /// Reads res10's parameters; refuses (cv::Exception naming the parameter) any other value and any parameter it
    /// does not know. The scale filler's `type` and `value` (training only; the model's scales are the blob) are
    /// taken and unused, as OpenCV does.
    explicit NormalizeLayer(const cv::dnn::LayerParams &params) : cv::dnn::Layer(params) {
        const std::string unknown =
            mbdnn::unknownParameter(params, {"across_spatial", "channel_shared", "eps", "p", "type", "value"});
        if (!unknown.empty()) {
            refuse(unknown, "is not a parameter this layer knows");
        }
        // OpenCV's default for across_spatial is true.
        if (!params.has("across_spatial") || params.get<bool>("across_spatial")) {
            refuse("across_spatial", "must be false");
        }
        if (params.get<bool>("channel_shared", false)) {
            refuse("channel_shared", "must be false");
        }
        if (params.get<float>("p", 2) != 2) {
            refuse("p", "must be 2");
        }
        epsilon_ = params.get<float>("eps", 1e-10f);
        if (params.blobs.size() != 1 || params.blobs[0].type() != CV_32F || !params.blobs[0].isContinuous() ||
            params.blobs[0].total() < 2) {
            CV_Error(cv::Error::StsBadArg,
                     "MBNormalize '" + name + "': the scales must be one blob of floats, one a channel");
        }
        scale_.assign(params.blobs[0].ptr<float>(), params.blobs[0].ptr<float>() + params.blobs[0].total());
    }

    static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams &params) {
        return cv::makePtr<NormalizeLayer>(params);
    }

    /// One N x C x H x W input, C the scale's channels and H x W above 1; the output of its shape.
    bool getMemoryShapes(const std::vector<cv::dnn::MatShape> &inputs, const int,
                         std::vector<cv::dnn::MatShape> &outputs, std::vector<cv::dnn::MatShape> &) const override {
        CV_Assert(inputs.size() == 1 && inputs[0].size() == 4);
        if (inputs[0][1] != static_cast<int>(scale_.size())) {
            CV_Error(cv::Error::StsBadSize, "MBNormalize '" + name + "': " + std::to_string(inputs[0][1]) +
                                                " channels in for " + std::to_string(scale_.size()) + " scales");
        }
        if (inputs[0][2] * inputs[0][3] < 2) {
            CV_Error(cv::Error::StsBadSize, "MBNormalize '" + name +
                                                "': an input of one pixel is not implemented (OpenCV's other branch)");
        }
        outputs.assign(1, inputs[0]);
        return false;
    }

    void forward(cv::InputArrayOfArrays inputsArray, cv::OutputArrayOfArrays outputsArray,
                 cv::OutputArrayOfArrays) override {
        auto [x, y] = mbdnn::forwardBlobs(inputsArray, outputsArray);
        const size_t channels = scale_.size();
        const int pixels = x.size[2] * x.size[3];
        const size_t plane = static_cast<size_t>(pixels);
        CV_Assert(x.size[1] == static_cast<int>(channels) && x.total() == y.total());
        norm_.resize(plane);
        float *norm = norm_.data();
        cv::Mat normRow(1, pixels, CV_32F, norm);
        for (int image = 0; image < x.size[0]; image++) {
            const float *in = x.ptr<float>(image);
            float *out = y.ptr<float>(image);
            // cv::reduce(SUM) over the squares: the first channel's, then each next channel's added.
            for (size_t j = 0; j < plane; j++) {
                norm[j] = in[j] * in[j];
            }
            for (size_t c = 1; c < channels; c++) {
                const float *row = in + c * plane;
                for (size_t j = 0; j < plane; j++) {
                    norm[j] = norm[j] + row[j] * row[j];
                }
            }
            for (size_t j = 0; j < plane; j++) {
                norm[j] = norm[j] + epsilon_;
            }
            // OpenCV's own call (in place, the whole row), for its reciprocal square root to the bit.
            cv::pow(normRow, -1.0f / 2, normRow);
            for (size_t c = 0; c < channels; c++) {
                const float *row = in + c * plane;
                float *result = out + c * plane;
                const float scale = scale_[c];
                for (size_t j = 0; j < plane; j++) {
                    const float normalized = row[j] * norm[j];
                    result[j] = normalized * scale;
                }
            }
        }
    }

  private:
    /// OpenCV's CV_Error for a parameter of this layer.
    [[noreturn]] void refuse(const std::string &parameter, const std::string &why) const {
        CV_Error(cv::Error::StsBadArg, "MBNormalize '" + name + "': parameter " + parameter + " " + why +
                                           " (the layer implements only res10's Normalize)");
    }

    float epsilon_ = 1e-10f;
    /// One scale per channel (the model's blob).
    std::vector<float> scale_;
    /// One image's norms (reused by each forward).
    std::vector<float> norm_;
};

} // namespace

namespace mbdnn {

const char *const normalizeLayerType = "MBNormalize";

void registerNormalizeLayer() {
    static std::once_flag once;
    std::call_once(once, [] { cv::dnn::LayerFactory::registerLayer(normalizeLayerType, NormalizeLayer::create); });
}

} // namespace mbdnn
