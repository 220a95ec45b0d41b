// CMaskBenchDNN: an SSD DetectionOutput layer for OpenCV DNN ("MBDetectionOutput"), used for res10's
// detection_out (detect.cpp rewrites its type in the prototxt).
//
// Why. OpenCV 4.6's DetectionOutput took 1.3-2.3 ms of res10's 31-35 ms an image at the detector's threshold 0.5
// (getPerfProfile, one thread, load 4-6): before it looks at a single score it copies the 8732 locations and
// priors into std::map / std::vector structures, splits the priors' variances into a vector each, and decodes
// every prior's box, although detect.cpp raises its confidence_threshold to the caller's and few priors pass it.
// This layer does the same work in the same arithmetic, but reads the scores first and decodes only the boxes of
// the priors that pass: 0.02-0.04 ms.
//
// What it keeps of OpenCV 4.6's layer (modules/dnn/src/layers/detection_output_layer.cpp and nms.inl.hpp), for
// the parameters res10's prototxt uses: one class besides the background (label 0), locations shared by the
// classes, CENTER_SIZE codes with the variances in the priors' second channel, normalized boxes, no clipping.
// Any other value of those, or a parameter it does not know, is refused when the layer is built, naming the
// parameter: no model silently gets other semantics. For each image:
//   - the priors whose class-1 score is > confidence_threshold (float comparison), stable-sorted by descending
//     score, the first top_k kept (when top_k > 0);
//   - greedy NMS in that order: a candidate is kept unless its Jaccard overlap with a kept box is >
//     nms_threshold; it stops when keep_top_k boxes are kept (OpenCV's limit when one class is detected);
//   - the kept boxes sorted again by descending score with std::sort, as OpenCV does (not stable: among equal
//     scores the order is libstdc++'s introsort's, the same here as in OpenCV's build);
//   - rows [image, 1, score, xmin, ymin, xmax, ymax] from the first row of the 1 x 1 x (keep_top_k x images) x 7
//     output, the other rows zeros (all zeros when no box passes).
// Each box is decoded with OpenCV's expressions, their float and double steps included (the prior's centre and
// the corners go through double, as its `* .5` makes them), and expf, so every row matches OpenCV's to the bit;
// tests compare the two layers on res10's real blobs and on synthetic ones (Sources/CMaskBenchDNNTestSupport).

#include "dnn_internal.hpp"

#include <opencv2/dnn/layer.details.hpp>
#include <opencv2/dnn/shape_utils.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

// Every product and sum rounds on its own, as in OpenCV's build (no FMA in Debian's baseline).
#pragma clang fp contract(off)

namespace {

/// A decoded box (normalized corners) and its area as OpenCV's BBoxSize gives it (0 when inverted).
struct Box {
    float xmin, ymin, xmax, ymax, size;
};

/// OpenCV's BBoxSize for normalized boxes: 0 when the box is inverted, else width x height.
float boxSize(float xmin, float ymin, float xmax, float ymax) {
    if (xmax < xmin || ymax < ymin) {
        return 0;
    }
    return (xmax - xmin) * (ymax - ymin);
}

/// OpenCV's JaccardOverlap<normalized> of `a` (the candidate) and `b` (a kept box), in its operand order.
float overlap(const Box &a, const Box &b) {
    const float xmin = std::max(a.xmin, b.xmin), ymin = std::max(a.ymin, b.ymin);
    const float xmax = std::min(a.xmax, b.xmax), ymax = std::min(a.ymax, b.ymax);
    const float intersection = boxSize(xmin, ymin, xmax, ymax);
    if (intersection > 0) {
        return intersection / (a.size + b.size - intersection);
    }
    return 0.;
}

/// OpenCV's DecodeBBox<false> for CENTER_SIZE, normalized, unclipped: prior `p` (xmin, ymin, xmax, ymax), its
/// variances `v` and the location `l`. The mixed float / double expressions are OpenCV's, kept as written.
Box decode(const float *p, const float *v, const float *l) {
    const float x = v[0] * l[0], y = v[1] * l[1], w = v[2] * l[2], h = v[3] * l[3];
    const float priorWidth = p[2] - p[0], priorHeight = p[3] - p[1];
    const float priorCentreX = p[0] + priorWidth * .5, priorCentreY = p[1] + priorHeight * .5;
    const float centreX = x * priorWidth + priorCentreX, centreY = y * priorHeight + priorCentreY;
    const float width = std::exp(w) * priorWidth, height = std::exp(h) * priorHeight;
    Box box;
    box.xmin = centreX - width * .5;
    box.ymin = centreY - height * .5;
    box.xmax = centreX + width * .5;
    box.ymax = centreY + height * .5;
    box.size = boxSize(box.xmin, box.ymin, box.xmax, box.ymax);
    return box;
}

/// A parameter's value, or `fallback` when the layer has none.
template <typename T> T parameter(const cv::dnn::LayerParams &params, const char *name, T fallback) {
    return params.has(name) ? params.get<T>(name) : fallback;
}

class DetectionOutputLayer final : public cv::dnn::Layer {
  public:
    /// Reads res10's parameters; refuses (cv::Exception naming the parameter) any other value, any parameter
    /// OpenCV's layer reads that changes what it computes, and any parameter it does not know.
    explicit DetectionOutputLayer(const cv::dnn::LayerParams &params) : cv::dnn::Layer(params) {
        const std::string unknown = mbdnn::unknownParameter(
            params, {"num_classes", "share_location", "background_label_id", "code_type", "keep_top_k",
                     "confidence_threshold", "nms_threshold", "top_k", "variance_encoded_in_target",
                     "normalized_bbox", "clip", "loc_pred_transposed", "group_by_classes"});
        if (!unknown.empty()) {
            refuse(unknown, "is not a parameter this layer knows");
        }
        for (const char *name : {"num_classes", "share_location", "background_label_id", "keep_top_k",
                                 "nms_threshold", "code_type"}) {
            if (!params.has(name)) {
                refuse(name, "is missing");
            }
        }
        if (params.get<int>("num_classes") != 2) {
            refuse("num_classes", "must be 2 (background and one class)");
        }
        if (!params.get<bool>("share_location")) {
            refuse("share_location", "must be true");
        }
        if (params.get<int>("background_label_id") != 0) {
            refuse("background_label_id", "must be 0");
        }
        std::string code = params.get<std::string>("code_type");
        std::transform(code.begin(), code.end(), code.begin(), [](unsigned char c) { return std::tolower(c); });
        if (code != "center_size") {
            refuse("code_type", "must be CENTER_SIZE");
        }
        for (const char *name : {"variance_encoded_in_target", "clip", "loc_pred_transposed", "group_by_classes"}) {
            if (parameter(params, name, false)) {
                refuse(name, "must be false");
            }
        }
        if (!parameter(params, "normalized_bbox", true)) {
            refuse("normalized_bbox", "must be true");
        }
        keepTopK_ = params.get<int>("keep_top_k");
        if (keepTopK_ <= 0) {
            refuse("keep_top_k", "must be positive");
        }
        nmsThreshold_ = params.get<float>("nms_threshold");
        if (!(nmsThreshold_ > 0)) {
            refuse("nms_threshold", "must be positive");
        }
        confidenceThreshold_ = parameter(params, "confidence_threshold", 0.0f);
        topK_ = parameter(params, "top_k", -1);
    }

    static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams &params) {
        return cv::makePtr<DetectionOutputLayer>(params);
    }

    /// Locations (N x priors x 4 values), class scores (N x priors x 2) and priors (1 x 2 x priors x 4: boxes,
    /// then variances) in; 1 x 1 x (keep_top_k x N) x 7 out, as OpenCV's layer.
    bool getMemoryShapes(const std::vector<cv::dnn::MatShape> &inputs, const int,
                         std::vector<cv::dnn::MatShape> &outputs, std::vector<cv::dnn::MatShape> &) const override {
        CV_Assert(inputs.size() == 3 && inputs[2].size() >= 3);
        const int images = inputs[0][0];
        const int priors = inputs[2][2] / 4;
        CV_Assert(images == inputs[1][0] && inputs[2][1] == 2);
        CV_Assert(cv::dnn::total(inputs[0], 1) == priors * 4 && cv::dnn::total(inputs[1], 1) == priors * 2);
        outputs.assign(1, cv::dnn::MatShape{1, 1, keepTopK_ * images, 7});
        return false;
    }

    void forward(cv::InputArrayOfArrays inputsArray, cv::OutputArrayOfArrays outputsArray,
                 cv::OutputArrayOfArrays) override {
        auto [inputs, out] = mbdnn::forwardFloatBlobs(inputsArray, outputsArray);
        CV_Assert(inputs.size() == 3);
        const int images = inputs[0].size[0];
        const int priors = inputs[2].size[2] / 4;
        CV_Assert(out.total() == static_cast<size_t>(keepTopK_) * images * 7);
        out.setTo(0);
        float *row = out.ptr<float>();
        for (int image = 0; image < images; image++) {
            const float *locations = inputs[0].ptr<float>() + static_cast<size_t>(image) * priors * 4;
            const float *scores = inputs[1].ptr<float>() + static_cast<size_t>(image) * priors * 2;
            row = detect(image, scores, locations, inputs[2].ptr<float>(), priors, row);
        }
    }

  private:
    /// OpenCV's CV_Error for a parameter of this layer.
    [[noreturn]] void refuse(const std::string &parameter, const std::string &why) const {
        CV_Error(cv::Error::StsBadArg, "MBDetectionOutput '" + name + "': parameter " + parameter + " " + why +
                                           " (the layer implements only res10's DetectionOutput)");
    }

    /// One image's rows from `row` on; returns the row after its last.
    float *detect(int image, const float *scores, const float *locations, const float *priorData, int priors,
                  float *row) {
        // GetMaxScoreIndex: the passing scores, stable-sorted by descending score, top_k of them.
        candidates_.clear();
        for (int p = 0; p < priors; p++) {
            const float score = scores[p * 2 + 1];
            if (score > confidenceThreshold_) {
                candidates_.emplace_back(score, p);
            }
        }
        std::stable_sort(candidates_.begin(), candidates_.end(), descending);
        if (topK_ > 0 && static_cast<size_t>(topK_) < candidates_.size()) {
            candidates_.resize(static_cast<size_t>(topK_));
        }
        // NMSFast_ with eta 1 and keep_top_k as its limit, each candidate's box decoded when it is reached.
        kept_.clear();
        keptBoxes_.clear();
        for (const auto &[score, p] : candidates_) {
            const Box box = decode(priorData + static_cast<size_t>(p) * 4,
                                   priorData + (static_cast<size_t>(priors) + p) * 4,
                                   locations + static_cast<size_t>(p) * 4);
            bool keep = true;
            for (size_t k = 0; k < keptBoxes_.size() && keep; k++) {
                keep = overlap(box, keptBoxes_[k]) <= nmsThreshold_;
            }
            if (keep) {
                kept_.emplace_back(score, static_cast<int>(kept_.size()));
                keptBoxes_.push_back(box);
                if (kept_.size() >= static_cast<size_t>(keepTopK_)) {
                    break;
                }
            }
        }
        // outputDetections_: the kept boxes ordered by std::sort on (score, position), not a stable sort.
        std::sort(kept_.begin(), kept_.end(), descending);
        for (const auto &[score, k] : kept_) {
            const Box &box = keptBoxes_[static_cast<size_t>(k)];
            const float values[7] = {static_cast<float>(image), 1.0f, score, box.xmin, box.ymin, box.xmax, box.ymax};
            row = std::copy(values, values + 7, row);
        }
        return row;
    }

    /// OpenCV's SortScorePairDescend.
    static bool descending(const std::pair<float, int> &a, const std::pair<float, int> &b) {
        return a.first > b.first;
    }

    int keepTopK_ = 0, topK_ = -1;
    float confidenceThreshold_ = 0, nmsThreshold_ = 0;
    /// Per forward (kept to reuse their storage): the passing (score, prior), the kept (score, position in
    /// keptBoxes_) and the kept boxes.
    std::vector<std::pair<float, int>> candidates_, kept_;
    std::vector<Box> keptBoxes_;
};

} // namespace

namespace mbdnn {

const char *const detectionOutputLayerType = "MBDetectionOutput";

void registerDetectionOutputLayer() {
    static std::once_flag once;
    std::call_once(once, [] {
        cv::dnn::LayerFactory::registerLayer(detectionOutputLayerType, DetectionOutputLayer::create);
    });
}

} // namespace mbdnn
