// CMaskBenchDNNTestSupport: checks of CMaskBenchDNN's layers for res10's SSD post-processing (detection_output.cpp,
// normalize.cpp), of its element-wise sum (sum.cpp) and max pooling (pooling.cpp) against OpenCV's own layers built in
// the same process, and of res10's chained layouts (onednn_convolution.cpp) against the same network unchained, for
// tests only.

#include "CMaskBenchDNNTestSupport.h"
#include "dnn_internal.hpp"

#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

/// res10's detection_output_param (models/deploy.prototxt) with `confidence` as its threshold.
cv::dnn::LayerParams res10DetectionParams(float confidence, int topK, int keepTopK, float nms) {
    cv::dnn::LayerParams params;
    params.set("num_classes", 2);
    params.set("share_location", true);
    params.set("background_label_id", 0);
    params.set("nms_threshold", nms);
    params.set("top_k", topK);
    params.set("code_type", cv::String("CENTER_SIZE"));
    params.set("keep_top_k", keepTopK);
    params.set("confidence_threshold", confidence);
    return params;
}

/// Runs a network of one layer of `type` with `params` on `inputs` (locations, scores, priors) and returns its
/// output.
cv::Mat runLayer(const char *type, cv::dnn::LayerParams params, const std::vector<cv::Mat> &inputs) {
    cv::dnn::Net net;
    params.name = "layer";
    params.type = type;
    const int id = net.addLayer(params.name, type, params);
    std::vector<cv::String> names;
    for (size_t i = 0; i < inputs.size(); i++) {
        names.push_back("input" + std::to_string(i));
        net.connect(0, static_cast<int>(i), id, static_cast<int>(i));
    }
    net.setInputsNames(names);
    for (size_t i = 0; i < inputs.size(); i++) {
        net.setInput(inputs[i], names[i]);
    }
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    return net.forward().clone();
}

/// Sets `name` in `params` from `value`'s text: a list of numbers when it holds a comma, an integer or a real when
/// it reads as a number, else a string (as a prototxt or the Keras importer would give it).
void setFromText(cv::dnn::LayerParams &params, const std::string &name, const char *value) {
    const std::string text = value;
    if (text.find(',') != std::string::npos) {
        std::vector<double> numbers;
        for (size_t start = 0; start <= text.size();) {
            const size_t end = std::min(text.find(',', start), text.size());
            numbers.push_back(std::strtod(text.substr(start, end - start).c_str(), nullptr));
            start = end + 1;
        }
        params.set(name, cv::dnn::DictValue::arrayReal(numbers.data(), static_cast<int>(numbers.size())));
        return;
    }
    char *end = nullptr;
    const double number = std::strtod(value, &end);
    if (end == value || *end != '\0') {
        params.set(name, cv::String(value));
    } else if (number == std::floor(number)) {
        params.set(name, static_cast<int>(number));
    } else {
        params.set(name, number);
    }
}

/// Builds a layer of `type` named `name` from `params` with `parameter` set from `value`'s text (setFromText): the
/// refusal checks' common part, which throws the layer's refusal, if any.
void buildWithParameter(cv::dnn::LayerParams params, const char *type, const char *name, const char *parameter,
                        const char *value) {
    mbdnn::require(parameter != nullptr && value != nullptr, "parameter or value is NULL");
    setFromText(params, parameter, value);
    params.name = name;
    params.type = type;
    cv::dnn::LayerFactory::createLayerInstance(params.type, params);
}

/// Whether `a` and `b` have the same shape and the same bytes.
bool identical(const cv::Mat &a, const cv::Mat &b) {
    return a.type() == b.type() && a.dims == b.dims && std::equal(a.size.p, a.size.p + a.dims, b.size.p) &&
           a.isContinuous() && b.isContinuous() && std::memcmp(a.data, b.data, a.total() * a.elemSize()) == 0;
}

/// The rows of a DetectionOutput output (1 x 1 x R x 7) that a detection filled (label not 0).
int filledRows(const cv::Mat &out) {
    int rows = 0;
    const float *r = out.ptr<float>();
    for (size_t i = 0; i < out.total() / 7; i++) {
        rows += r[i * 7 + 1] != 0;
    }
    return rows;
}

/// Both DetectionOutput layers on `inputs`: writes OpenCV's filled rows and whether the outputs are identical.
void compareDetectionOutputs(const cv::dnn::LayerParams &params, const std::vector<cv::Mat> &inputs, int &rows,
                             bool &same) {
    mbdnn::registerDetectionOutputLayer();
    const cv::Mat theirs = runLayer("DetectionOutput", params, inputs);
    const cv::Mat ours = runLayer(mbdnn::detectionOutputLayerType, params, inputs);
    rows = filledRows(theirs);
    same = identical(ours, theirs);
}

/// res10 (`prototxt`, `caffemodel`) with OpenCV's own layers on the BGR image resized to 300 x 300 as the detector
/// does: the outputs of the layers `names` (copies), and the network for its weights.
std::vector<cv::Mat> res10Blobs(const char *prototxt, const char *caffemodel, const uint8_t *bgr, int width,
                                int height, const std::vector<cv::String> &names, cv::dnn::Net &net) {
    mbdnn::require(bgr != nullptr && width > 0 && height > 0, "empty image");
    mbdnn::requireReadableFile(prototxt, "Caffe prototxt");
    mbdnn::requireReadableFile(caffemodel, "Caffe model");
    net = cv::dnn::readNetFromCaffe(prototxt, caffemodel);
    const cv::Mat image(height, width, CV_8UC3, const_cast<uint8_t *>(bgr));
    net.setInput(cv::dnn::blobFromImage(image, 1.0, cv::Size(300, 300), cv::Scalar(104, 177, 123)));
    std::vector<cv::Mat> blobs;
    net.forward(blobs, names);
    for (cv::Mat &m : blobs) {
        m = m.clone();
    }
    return blobs;
}

/// res10's norm_param (across_spatial false, channel_shared false) with the scales `scale`.
cv::dnn::LayerParams res10NormalizeParams(const cv::Mat &scale) {
    cv::dnn::LayerParams params;
    params.set("across_spatial", false);
    params.set("channel_shared", false);
    params.blobs = {scale.clone()};
    return params;
}

/// Both Normalize layers on `input`: whether the outputs are identical; writes the largest difference in units
/// in the last place to `ulps` (0 when identical).
bool compareNormalizations(const cv::dnn::LayerParams &params, const cv::Mat &input, double &ulps) {
    mbdnn::registerNormalizeLayer();
    const cv::Mat theirs = runLayer("Normalize", params, {input});
    const cv::Mat ours = runLayer(mbdnn::normalizeLayerType, params, {input});
    ulps = 0;
    if (ours.total() == theirs.total()) {
        for (size_t i = 0; i < ours.total(); i++) {
            const float a = ours.ptr<float>()[i], b = theirs.ptr<float>()[i];
            const double ulp = std::abs(static_cast<double>(std::nextafter(b, INFINITY)) - b);
            ulps = std::max(ulps, a == b ? 0.0 : std::abs(static_cast<double>(a) - b) / ulp);
        }
    }
    return identical(ours, theirs);
}

} // namespace

extern "C" int mbdnn_test_detection_output_res10_check(const char *prototxt, const char *caffemodel,
                                                       const uint8_t *bgr, int width, int height,
                                                       const float *thresholds, int count, int *rows,
                                                       int *identical_outputs, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_detection_output_res10_check", err, errlen, [&] {
        mbdnn::require(thresholds != nullptr && rows != nullptr && identical_outputs != nullptr && count > 0,
                       "an array is NULL or empty");
        cv::dnn::Net net;
        const std::vector<cv::Mat> inputs = res10Blobs(prototxt, caffemodel, bgr, width, height,
                                                       {"mbox_loc", "mbox_conf_flatten", "mbox_priorbox"}, net);
        for (int i = 0; i < count; i++) {
            bool same = false;
            compareDetectionOutputs(res10DetectionParams(thresholds[i], 400, 200, 0.45f), inputs, rows[i], same);
            identical_outputs[i] = same ? 1 : 0;
        }
    });
}

extern "C" int mbdnn_test_detection_output_synthetic_check(int images, int priors, int levels, int top_k,
                                                           int keep_top_k, float confidence, float nms,
                                                           unsigned seed, int *rows, int *identical_outputs,
                                                           char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_detection_output_synthetic_check", err, errlen, [&] {
        mbdnn::require(rows != nullptr && identical_outputs != nullptr, "an output pointer is NULL");
        mbdnn::require(images > 0 && priors > 0 && levels >= 0, "images and priors must be positive");
        cv::RNG rng(seed);
        int priorShape[3] = {1, 2, priors * 4};
        cv::Mat priorData(3, priorShape, CV_32F);
        float *p = priorData.ptr<float>();
        for (int i = 0; i < priors; i++) {
            // Centres on a coarse grid, so that many boxes overlap; one prior in 16 inverted (an empty box).
            const float cx = rng.uniform(0, 5) * 0.2f + 0.1f, cy = rng.uniform(0, 5) * 0.2f + 0.1f;
            const float w = rng.uniform(0.02f, 0.6f), h = rng.uniform(0.02f, 0.6f);
            const float sign = rng.uniform(0, 16) == 0 ? -1.0f : 1.0f;
            const float box[4] = {cx - sign * w / 2, cy - sign * h / 2, cx + sign * w / 2, cy + sign * h / 2};
            std::copy(box, box + 4, p + i * 4);
            const float variances[4] = {0.1f, 0.1f, 0.2f, 0.2f};
            std::copy(variances, variances + 4, p + (priors + i) * 4);
        }
        int locationShape[2] = {images, priors * 4};
        cv::Mat locations(2, locationShape, CV_32F);
        rng.fill(locations, cv::RNG::NORMAL, 0.0, 1.5);
        int scoreShape[2] = {images, priors * 2};
        cv::Mat scores(2, scoreShape, CV_32F);
        float *s = scores.ptr<float>();
        for (int i = 0; i < images * priors; i++) {
            // `levels` distinct scores make ties; 0 makes every score its own.
            float score = levels > 0 ? static_cast<float>(rng.uniform(0, levels + 1)) / static_cast<float>(levels)
                                     : rng.uniform(0.0f, 1.0f);
            s[i * 2] = 1.0f - score;
            s[i * 2 + 1] = score;
        }
        bool same = false;
        compareDetectionOutputs(res10DetectionParams(confidence, top_k, keep_top_k, nms),
                                {locations, scores, priorData}, *rows, same);
        *identical_outputs = same ? 1 : 0;
    });
}

extern "C" int mbdnn_test_detection_output_refusal(const char *parameter, const char *value, char *err,
                                                   size_t errlen) {
    return mbdnn::guarded("mbdnn_test_detection_output_refusal", err, errlen, [&] {
        mbdnn::registerDetectionOutputLayer();
        buildWithParameter(res10DetectionParams(0.01f, 400, 200, 0.45f), mbdnn::detectionOutputLayerType,
                           "detection_out", parameter, value);
    });
}

extern "C" int mbdnn_test_normalize_res10_check(const char *prototxt, const char *caffemodel, const uint8_t *bgr,
                                                int width, int height, int *identical_outputs, double *ulps,
                                                char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_normalize_res10_check", err, errlen, [&] {
        mbdnn::require(identical_outputs != nullptr && ulps != nullptr, "an output pointer is NULL");
        cv::dnn::Net net;
        // conv4_3_norm's input: the output of the ReLU before it (its BatchNorm and Scale work in place).
        const std::vector<cv::Mat> blobs =
            res10Blobs(prototxt, caffemodel, bgr, width, height, {"layer_256_1_relu1"}, net);
        const cv::Ptr<cv::dnn::Layer> norm = net.getLayer(net.getLayerId("conv4_3_norm"));
        mbdnn::require(!norm.empty() && norm->blobs.size() == 1, "res10 has no conv4_3_norm with its scales");
        *identical_outputs = compareNormalizations(res10NormalizeParams(norm->blobs[0]), blobs[0], *ulps) ? 1 : 0;
    });
}

extern "C" int mbdnn_test_normalize_synthetic_check(int images, int channels, int height, int width, double range,
                                                    unsigned seed, int *identical_outputs, double *ulps, char *err,
                                                    size_t errlen) {
    return mbdnn::guarded("mbdnn_test_normalize_synthetic_check", err, errlen, [&] {
        mbdnn::require(identical_outputs != nullptr && ulps != nullptr, "an output pointer is NULL");
        mbdnn::require(images > 0 && channels > 1 && height > 0 && width > 0, "empty shape");
        cv::RNG rng(seed);
        int shape[4] = {images, channels, height, width};
        cv::Mat input(4, shape, CV_32F);
        rng.fill(input, cv::RNG::UNIFORM, -range, range);
        // Some pixels zero in every channel (a norm of eps alone), some after a ReLU (half the values zero).
        float *data = input.ptr<float>();
        const size_t plane = static_cast<size_t>(height) * width;
        for (int n = 0; n < images; n++) {
            for (size_t j = 0; j < plane; j += 7) {
                for (int c = 0; c < channels; c++) {
                    data[(static_cast<size_t>(n) * channels + c) * plane + j] = 0;
                }
            }
        }
        for (size_t i = 0; i < input.total(); i += 2) {
            data[i] = std::max(data[i], 0.0f);
        }
        cv::Mat scale(channels, 1, CV_32F);
        rng.fill(scale, cv::RNG::UNIFORM, -30.0, 30.0);
        *identical_outputs = compareNormalizations(res10NormalizeParams(scale), input, *ulps) ? 1 : 0;
    });
}

extern "C" int mbdnn_test_normalize_refusal(const char *parameter, const char *value, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_normalize_refusal", err, errlen, [&] {
        mbdnn::registerNormalizeLayer();
        buildWithParameter(res10NormalizeParams(cv::Mat(4, 1, CV_32F, cv::Scalar(20))), mbdnn::normalizeLayerType,
                           "conv4_3_norm", parameter, value);
    });
}

extern "C" int mbdnn_test_sum_check(int inputs, int images, int channels, int height, int width, unsigned seed,
                                    int *identical_outputs, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_sum_check", err, errlen, [&] {
        mbdnn::require(identical_outputs != nullptr, "identical_outputs is NULL");
        mbdnn::require(inputs >= 2 && images > 0 && channels > 0 && height > 0 && width > 0, "empty case");
        mbdnn::registerSumLayer();
        cv::RNG rng(seed);
        int shape[4] = {images, channels, height, width};
        std::vector<cv::Mat> blobs;
        for (int i = 0; i < inputs; i++) {
            cv::Mat blob(4, shape, CV_32F);
            rng.fill(blob, cv::RNG::UNIFORM, -1.0, 1.0);
            // Magnitudes from 1e-6 to 1e6, so that most sums round.
            float *data = blob.ptr<float>();
            for (size_t j = 0; j < blob.total(); j++) {
                data[j] *= std::pow(10.0f, static_cast<float>(rng.uniform(-6, 7)));
            }
            blobs.push_back(blob);
        }
        cv::dnn::LayerParams params;
        params.set("operation", "sum");
        const cv::Mat theirs = runLayer("Eltwise", params, blobs);
        const cv::Mat ours = runLayer(mbdnn::sumLayerType, params, blobs);
        *identical_outputs = identical(ours, theirs) ? 1 : 0;
    });
}

extern "C" int mbdnn_test_sum_refusal(const char *parameter, const char *value, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_sum_refusal", err, errlen, [&] {
        mbdnn::require(parameter != nullptr && value != nullptr, "parameter or value is NULL");
        mbdnn::registerSumLayer();
        cv::dnn::LayerParams params;
        const std::string name = parameter;
        if (name == "inputs") {
            int a[4] = {1, 2, 3, 3}, b[4] = {1, 3, 3, 3};
            runLayer(mbdnn::sumLayerType, params,
                     {cv::Mat(4, a, CV_32F, cv::Scalar(1)), cv::Mat(4, b, CV_32F, cv::Scalar(1))});
            return;
        }
        buildWithParameter(params, mbdnn::sumLayerType, "sum", parameter, value);
    });
}

extern "C" int mbdnn_test_res10_layouts_check(const char *prototxt, const char *caffemodel, const uint8_t *bgr,
                                              int width, int height, int *identical_outputs, int *nhwc_outputs,
                                              int *nhwc_inputs, int *shared_readers, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_res10_layouts_check", err, errlen, [&] {
        mbdnn::require(bgr != nullptr && width > 0 && height > 0, "empty image");
        mbdnn::require(identical_outputs != nullptr && nhwc_outputs != nullptr && nhwc_inputs != nullptr &&
                           shared_readers != nullptr,
                       "an output is NULL");
        mbdnn::requireReadableFile(prototxt, "Caffe prototxt");
        mbdnn::requireReadableFile(caffemodel, "Caffe model");
        // One thread, as a worker of maskbench runs it.
        const int threads = cv::getNumThreads();
        cv::setNumThreads(1);
        cv::dnn::Net chained = mbdnn::readRes10(prototxt, caffemodel, 0.5);
        cv::dnn::Net apart = mbdnn::readRes10(prototxt, caffemodel, 0.5);
        // The blobs compared (asking for them on every forward, so that OpenCV sets the networks up once): every
        // prior's locations and scores, and the detections.
        const std::vector<cv::String> names{"mbox_loc", "mbox_conf_flatten", "detection_out"};
        const cv::Mat image(height, width, CV_8UC3, const_cast<uint8_t *>(bgr));
        cv::Mat mirrored;
        cv::flip(image, mirrored, 1);
        // The image, its mirror image (a shared copy left from the forward before would show), both again.
        *identical_outputs = 1;
        bool first = true;
        for (const cv::Mat *input : std::initializer_list<const cv::Mat *>{&image, &mirrored, &image, &mirrored}) {
            const cv::Mat blob = cv::dnn::blobFromImage(*input, 1.0, cv::Size(300, 300), cv::Scalar(104, 177, 123));
            std::vector<cv::Mat> ours, theirs;
            chained.setInput(blob);
            chained.forward(ours, names);
            apart.setInput(blob);
            apart.forward(theirs, names);
            for (size_t i = 0; i < names.size(); i++) {
                *identical_outputs &= identical(ours[i], theirs[i]) ? 1 : 0;
            }
            if (first) {
                mbdnn::chainOneDNNLayouts(chained);
                first = false;
            }
            *nhwc_outputs = *nhwc_inputs = *shared_readers = 0;
            for (const cv::String &name : chained.getLayerNames()) {
                const std::vector<int> layouts = mbdnn::oneDNNBlobLayouts(chained.getLayer(chained.getLayerId(name)));
                if (!layouts.empty()) {
                    *nhwc_inputs += layouts[0];
                    *nhwc_outputs += layouts[1];
                    *shared_readers += layouts[2];
                }
            }
        }
        cv::setNumThreads(threads);
    });
}

extern "C" int mbdnn_test_max_pool_check(int images, int channels, int height, int width, int kernel, int stride,
                                         int ceil_mode, int blocked, unsigned seed, int *identical_outputs,
                                         char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_max_pool_check", err, errlen, [&] {
        mbdnn::require(identical_outputs != nullptr, "identical_outputs is NULL");
        mbdnn::require(images > 0 && channels > 0 && height > 0 && width > 0, "empty case");
        mbdnn::require(!blocked || channels % 16 == 0, "blocks of 16 channels need a multiple of 16");
        mbdnn::registerMaxPoolLayer();
        cv::RNG rng(seed);
        int shape[4] = {images, channels, height, width};
        cv::Mat input(4, shape, CV_32F);
        rng.fill(input, cv::RNG::UNIFORM, -1.0, 1.0);
        // A quarter of the values 0 (as after res10's ReLU): ties in the windows.
        float *data = input.ptr<float>();
        for (size_t i = 0; i < input.total(); i++) {
            data[i] = rng.uniform(0, 4) == 0 ? 0.0f : data[i];
        }
        cv::dnn::LayerParams params;
        params.set("pool", cv::String("MAX"));
        params.set("kernel_size", kernel);
        params.set("stride", stride);
        params.set("ceil_mode", ceil_mode != 0);
        const cv::Mat theirs = runLayer("Pooling", params, {input});
        if (!blocked) {
            *identical_outputs = identical(runLayer(mbdnn::maxPoolLayerType, params, {input}), theirs) ? 1 : 0;
            return;
        }
        // The input in blocks of 16 channels (aBcd16b), as res10's first convolution writes it when chained.
        cv::Mat blocks(4, shape, CV_32F);
        const size_t pixels = static_cast<size_t>(height) * width;
        for (int i = 0; i < images; i++) {
            for (int c = 0; c < channels; c++) {
                for (size_t p = 0; p < pixels; p++) {
                    blocks.ptr<float>()[(i * channels + c / 16 * 16) * pixels + p * 16 + c % 16] =
                        data[(static_cast<size_t>(i) * channels + c) * pixels + p];
                }
            }
        }
        cv::dnn::Net net;
        params.name = "pool";
        params.type = mbdnn::maxPoolLayerType;
        const int id = net.addLayer(params.name, params.type, params);
        net.connect(0, 0, id, 0);
        net.setInputsNames({"input"});
        // The first forward sets the network up (which reads NCHW); the layout is set for the next. A CPU without
        // AVX-512 reads no blocks (chainOneDNNLayouts then leaves the blob NCHW): the NCHW input again.
        net.setInput(input, "input");
        net.forward();
        const bool readsBlocks = mbdnn::setMaxPoolBlockedInput(net.getLayer(id), true);
        net.setInput(readsBlocks ? blocks : input, "input");
        *identical_outputs = identical(net.forward().clone(), theirs) ? 1 : 0;
    });
}

extern "C" int mbdnn_test_max_pool_refusal(const char *parameter, const char *value, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_max_pool_refusal", err, errlen, [&] {
        mbdnn::registerMaxPoolLayer();
        cv::dnn::LayerParams params;
        params.set("kernel_size", 3);
        params.set("stride", 2);
        buildWithParameter(params, mbdnn::maxPoolLayerType, "pool", parameter, value);
    });
}

extern "C" int mbdnn_test_average_pool_check(int images, int channels, int height, int width, int global,
                                             unsigned seed, int *identical_outputs, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_average_pool_check", err, errlen, [&] {
        mbdnn::require(identical_outputs != nullptr, "identical_outputs is NULL");
        mbdnn::require(images > 0 && channels > 0 && height > 0 && width > 0, "empty case");
        mbdnn::registerAveragePoolLayer();
        cv::RNG rng(seed);
        int shape[4] = {images, channels, height, width};
        cv::Mat input(4, shape, CV_32F);
        rng.fill(input, cv::RNG::UNIFORM, 0.0, 6.0);
        // Magnitudes from 1e-3 to 1e3 (after a ReLU6 they are at most 6), so that the sums round.
        float *data = input.ptr<float>();
        for (size_t i = 0; i < input.total(); i++) {
            data[i] *= std::pow(10.0f, static_cast<float>(rng.uniform(-3, 4)));
        }
        // OpenCV's Pooling as the Keras importer configured it: global, or a window that is the whole input.
        cv::dnn::LayerParams theirs;
        theirs.set("pool", cv::String("AVE"));
        if (global) {
            theirs.set("global_pooling", true);
        } else {
            theirs.set("kernel_h", height);
            theirs.set("kernel_w", width);
            theirs.set("stride_h", height);
            theirs.set("stride_w", width);
            theirs.set("ceil_mode", false);
            theirs.set("ave_pool_padded_area", false);
        }
        *identical_outputs =
            identical(runLayer(mbdnn::averagePoolLayerType, cv::dnn::LayerParams(), {input}),
                      runLayer("Pooling", theirs, {input}))
                ? 1
                : 0;
    });
}
