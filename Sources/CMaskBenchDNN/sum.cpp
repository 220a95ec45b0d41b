// CMaskBenchDNN: an element-wise sum layer for OpenCV DNN ("MBSum"), used for the Keras importer's Add layers
// (MobileNetV2's residual additions) and res10's Eltwise sums (detect.cpp rewrites their type in the prototxt).
//
// Why. OpenCV 4.6's Eltwise sum of two inputs runs a scalar loop (one addss a float; its coefficients checked
// for 1 once per row): 1.7% of a whole `maskbench run`'s samples in `perf record`, the seed classifier's ten
// additions 0.26 ms of its 8 ms a face and res10's four 0.56 ms an image. Here the sum is a plain loop over the
// whole blob, which the compiler vectorises.
//
// What it computes: out = in0 + in1 + ... + inN-1, added in that order, one float rounding per addition, as
// OpenCV's Eltwise sum with no coefficients (or all 1) does; every output is OpenCV's to the bit (a test compares
// the two layers). Inputs of different shapes (OpenCV pads channels), coefficients other than 1, other operations
// and unknown parameters are refused when the layer is built or run, naming them.

#include "dnn_internal.hpp"

#include <opencv2/core/utility.hpp>
#include <opencv2/dnn/layer.details.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <string>
#include <vector>

// Every sum rounds on its own (there is no product to contract with; stated for the reader).
#pragma clang fp contract(off)

namespace {

class SumLayer final : public cv::dnn::Layer {
  public:
    /// Takes `operation` sum (OpenCV's default) and `coeff` all 1; refuses anything else, naming it.
    explicit SumLayer(const cv::dnn::LayerParams &params) : cv::dnn::Layer(params) {
        const std::string unknown = mbdnn::unknownParameter(params, {"operation", "coeff"});
        if (!unknown.empty()) {
            refuse(unknown, "is not a parameter this layer knows");
        }
        if (params.has("operation")) {
            std::string operation = params.get<std::string>("operation");
            std::transform(operation.begin(), operation.end(), operation.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            if (operation != "sum") {
                refuse("operation", "must be sum");
            }
        }
        if (params.has("coeff")) {
            const cv::dnn::DictValue &coefficients = params.get("coeff");
            for (int i = 0; i < coefficients.size(); i++) {
                if (coefficients.get<float>(i) != 1.0f) {
                    refuse("coeff", "must be 1 for every input");
                }
            }
        }
    }

    static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams &params) { return cv::makePtr<SumLayer>(params); }

    bool getMemoryShapes(const std::vector<cv::dnn::MatShape> &inputs, const int,
                         std::vector<cv::dnn::MatShape> &outputs, std::vector<cv::dnn::MatShape> &) const override {
        if (inputs.size() < 2) {
            CV_Error(cv::Error::StsBadArg, "MBSum '" + name + "': needs two inputs or more");
        }
        for (const cv::dnn::MatShape &shape : inputs) {
            if (shape != inputs[0]) {
                CV_Error(cv::Error::StsBadArg, "MBSum '" + name + "': inputs of different shapes");
            }
        }
        outputs.assign(1, inputs[0]);
        return false;
    }

    void forward(cv::InputArrayOfArrays inputsArray, cv::OutputArrayOfArrays outputsArray,
                 cv::OutputArrayOfArrays) override {
        auto [inputs, out] = mbdnn::forwardFloatBlobs(inputsArray, outputsArray);
        CV_Assert(inputs.size() >= 2);
        std::vector<const float *> sources;
        for (const cv::Mat &m : inputs) {
            CV_Assert(m.total() == out.total());
            sources.push_back(m.ptr<float>());
        }
        float *destination = out.ptr<float>();
        const int total = static_cast<int>(out.total());
        // Stripes of 64K floats across OpenCV's threads (one in maskbench's workers).
        constexpr int stripe = 1 << 16;
        cv::parallel_for_(cv::Range(0, (total + stripe - 1) / stripe), [&](const cv::Range &range) {
            const int begin = range.start * stripe, end = std::min(total, range.end * stripe);
            add(sources[0] + begin, sources[1] + begin, destination + begin, end - begin);
            for (size_t k = 2; k < sources.size(); k++) {
                add(destination + begin, sources[k] + begin, destination + begin, end - begin);
            }
        });
    }

  private:
    /// out[i] = a[i] + b[i]; `out` may be `a` (not restrict-qualified, so the compiler checks for overlap).
    static void add(const float *a, const float *b, float *out, int count) {
        for (int i = 0; i < count; i++) {
            out[i] = a[i] + b[i];
        }
    }

    /// OpenCV's CV_Error for a parameter of this layer.
    [[noreturn]] void refuse(const std::string &parameter, const std::string &why) const {
        CV_Error(cv::Error::StsBadArg, "MBSum '" + name + "': parameter " + parameter + " " + why);
    }
};

} // namespace

namespace mbdnn {

const char *const sumLayerType = "MBSum";

void registerSumLayer() {
    static std::once_flag once;
    std::call_once(once, [] { cv::dnn::LayerFactory::registerLayer(sumLayerType, SumLayer::create); });
}

} // namespace mbdnn
