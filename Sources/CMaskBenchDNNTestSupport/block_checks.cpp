// CMaskBenchDNNTestSupport: checks of convolution.cpp's block (a 1x1 convolution taking in the depthwise
// convolution and the 1x1 convolution after it) against the same layers apart and against OpenCV's, for tests only.

#include "CMaskBenchDNNTestSupport.h"
#include "dnn_internal.hpp"

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <algorithm>
#include <string>
#include <cmath>
#include <vector>

namespace {

/// A block's random weights: the expanding convolution's, the depthwise convolution's and the projecting
/// convolution's kernels and biases, each followed by a BatchNorm's statistics.
struct Weights {
    cv::Mat expand, expandBias, depthwise, depthwiseBias, project, projectBias;
    std::vector<cv::Mat> norms[3];
};

/// A random matrix of `shape`, uniform in [low, high).
cv::Mat randomMat(cv::RNG &rng, std::vector<int> shape, double low, double high) {
    cv::Mat m(static_cast<int>(shape.size()), shape.data(), CV_32F);
    rng.fill(m, cv::RNG::UNIFORM, low, high);
    return m;
}

/// A BatchNorm's mean, variance (positive), scale and shift for `channels`.
std::vector<cv::Mat> randomNorm(cv::RNG &rng, int channels) {
    return {randomMat(rng, {1, channels}, -1, 1), randomMat(rng, {1, channels}, 0.1, 2),
            randomMat(rng, {1, channels}, -1, 1), randomMat(rng, {1, channels}, -1, 1)};
}

void addNorm(cv::dnn::Net &net, const char *name, const std::vector<cv::Mat> &statistics) {
    cv::dnn::LayerParams norm;
    norm.set("eps", 1e-3f);
    norm.set("has_weight", true);
    norm.set("has_bias", true);
    norm.blobs = statistics;
    net.addLayerToPrev(name, "BatchNorm", norm);
}

void addReLU6(cv::dnn::Net &net, const char *name) {
    cv::dnn::LayerParams clamp;
    clamp.set("min_value", 0.0f);
    clamp.set("max_value", 6.0f);
    net.addLayerToPrev(name, "ReLU6", clamp);
}

/// input -> 1x1 -> BatchNorm -> ReLU6 -> 3x3 depthwise at `stride` ('same' as TensorFlow pads it) -> BatchNorm ->
/// ReLU6 [-> 1x1 -> BatchNorm when there are projecting weights], with CMaskBenchDNN's layers (`ours`; `block`:
/// the first convolution may take in the others) or OpenCV's; returns the output.
cv::dnn::Net blockNet(bool ours, bool block, const Weights &w, const cv::Mat &input, int expandStride, int stride);

cv::Mat runBlock(bool ours, bool block, const Weights &w, const cv::Mat &input, int expandStride, int stride) {
    cv::dnn::Net net = blockNet(ours, block, w, input, expandStride, stride);
    net.setInput(input);
    return net.forward().clone();
}

/// runBlock's network, not yet run.
cv::dnn::Net blockNet(bool ours, bool block, const Weights &w, const cv::Mat &input, int expandStride, int stride) {
    cv::dnn::Net net;
    const int expanded = w.expand.size[0];
    // TensorFlow's 'same' for `kernel` at `step`: the total padding max((ceil(n / step) - 1) * step + kernel - n,
    // 0), the larger half after.
    auto same = [](int n, int kernel, int step) {
        const int total = std::max(((n + step - 1) / step - 1) * step + kernel - n, 0);
        return std::make_pair(total / 2, total - total / 2);
    };
    // A convolution of `kernel` (square) at `step` with 'same' padding over a height x width input: ours, of type
    // `ourType` (which pads itself), or OpenCV's with `groups` groups (with a Padding layer when asymmetric).
    auto convolution = [&](const char *name, const char *ourType, const cv::Mat &kernel, const cv::Mat &bias,
                           int step, int groups, bool takesBlock, int height, int width) {
        const int size = kernel.size[2];
        const auto [top, bottom] = same(height, size, step);
        const auto [left, right] = same(width, size, step);
        cv::dnn::LayerParams conv;
        conv.set("kernel_h", size);
        conv.set("kernel_w", size);
        conv.set("stride_h", step);
        conv.set("stride_w", step);
        conv.blobs = {kernel.clone(), bias.clone()};
        if (ours) {
            conv.set("pad_t", top);
            conv.set("pad_b", bottom);
            conv.set("pad_l", left);
            conv.set("pad_r", right);
            conv.set("take_block", takesBlock ? 1 : 0);
            net.addLayerToPrev(name, ourType, conv);
            return;
        }
        if (top != bottom || left != right) {
            cv::dnn::LayerParams pad;
            int paddings[8] = {0, 0, 0, 0, top, bottom, left, right};
            pad.set("paddings", cv::dnn::DictValue::arrayInt(paddings, 8));
            pad.set("input_dims", 4);
            net.addLayerToPrev(std::string(name) + "_pad", "Padding", pad);
        }
        const bool symmetric = top == bottom && left == right;
        conv.set("pad_h", symmetric ? top : 0);
        conv.set("pad_w", symmetric ? left : 0);
        conv.set("num_output", kernel.size[0]);
        conv.set("group", groups);
        conv.set("bias_term", true);
        net.addLayerToPrev(name, "Convolution", conv);
    };
    convolution("expand", mbdnn::convolutionLayerType, w.expand, w.expandBias, expandStride, 1, block,
                input.size[2], input.size[3]);
    addNorm(net, "expand_norm", w.norms[0]);
    addReLU6(net, "expand_relu6");
    convolution("depthwise", mbdnn::depthwiseLayerType, w.depthwise, w.depthwiseBias, stride, expanded, false,
                (input.size[2] + expandStride - 1) / expandStride, (input.size[3] + expandStride - 1) / expandStride);
    addNorm(net, "depthwise_norm", w.norms[1]);
    addReLU6(net, "depthwise_relu6");
    if (!w.project.empty()) {
        convolution("project", mbdnn::convolutionLayerType, w.project, w.projectBias, 1, 1, false, 0, 0);
        addNorm(net, "project_norm", w.norms[2]);
    }
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    return net;
}

/// Seeded random weights of a block (`out_channels` 0: no projecting convolution).
Weights randomWeights(cv::RNG &rng, int in_channels, int expanded, int out_channels, int expand_kernel,
                      int depthwise_kernel) {
    Weights w;
    w.expand = randomMat(rng, {expanded, in_channels, expand_kernel, expand_kernel}, -1, 1);
    w.expandBias = randomMat(rng, {1, expanded}, -1, 1);
    w.norms[0] = randomNorm(rng, expanded);
    w.depthwise = randomMat(rng, {expanded, 1, depthwise_kernel, depthwise_kernel}, -1, 1);
    w.depthwiseBias = randomMat(rng, {1, expanded}, -1, 1);
    w.norms[1] = randomNorm(rng, expanded);
    if (out_channels > 0) {
        w.project = randomMat(rng, {out_channels, expanded, 1, 1}, -1, 1);
        w.projectBias = randomMat(rng, {1, out_channels}, -1, 1);
        w.norms[2] = randomNorm(rng, out_channels);
    }
    return w;
}

} // namespace

extern "C" int mbdnn_test_block_outputs_check(double *max_difference, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_block_outputs_check", err, errlen, [&] {
        mbdnn::require(max_difference != nullptr, "max_difference is NULL");
        mbdnn::registerConvolutionLayer();
        mbdnn::registerDepthwiseLayer();
        cv::RNG rng(11);
        const Weights w = randomWeights(rng, 8, 48, 8, 1, 3);
        const cv::Mat input = randomMat(rng, {2, 8, 30, 30}, -3, 3);
        const std::vector<cv::String> names{"depthwise_relu6", "project_norm"};
        // As the importer leaves a model with several outputs: the first convolution kept apart.
        cv::dnn::Net kept = blockNet(true, true, w, input, 1, 1);
        mbdnn::keepConvolutionApart(kept.getLayer(kept.getLayerId("expand")));
        cv::dnn::Net apart = blockNet(true, false, w, input, 1, 1);
        std::vector<cv::Mat> ours, theirs;
        kept.setInput(input);
        kept.forward(ours, names);
        apart.setInput(input);
        apart.forward(theirs, names);
        mbdnn::require(ours.size() == 2 && theirs.size() == 2, "two outputs were asked for");
        *max_difference = std::max(cv::norm(ours[0], theirs[0], cv::NORM_INF), cv::norm(ours[1], theirs[1], cv::NORM_INF));
    });
}

extern "C" int mbdnn_test_block_check(int in_channels, int expanded, int out_channels, int height, int width,
                                      int expand_kernel, int expand_stride, int depthwise_kernel, int stride,
                                      unsigned seed,
                                      double *block_difference,
                                      double *opencv_difference, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_block_check", err, errlen, [&] {
        mbdnn::require(block_difference != nullptr && opencv_difference != nullptr, "a difference is NULL");
        mbdnn::registerConvolutionLayer();
        mbdnn::registerDepthwiseLayer();
        cv::RNG rng(seed);
        const Weights w = randomWeights(rng, in_channels, expanded, out_channels, expand_kernel, depthwise_kernel);
        const cv::Mat input = randomMat(rng, {2, in_channels, height, width}, -3, 3);
        const cv::Mat block = runBlock(true, true, w, input, expand_stride, stride);
        const cv::Mat apart = runBlock(true, false, w, input, expand_stride, stride);
        const cv::Mat theirs = runBlock(false, false, w, input, expand_stride, stride);
        mbdnn::require(block.total() == theirs.total() && apart.total() == theirs.total() &&
                           std::equal(block.size.p, block.size.p + 4, theirs.size.p),
                       "the outputs differ in shape");
        *block_difference = cv::norm(block, apart, cv::NORM_INF);
        *opencv_difference = cv::norm(block, theirs, cv::NORM_INF) / std::max(1.0, cv::norm(theirs, cv::NORM_INF));
    });
}

namespace {

/// A network of one convolution.cpp 1x1 convolution with `kernel` (no bias).
cv::dnn::Net pointwiseNet(const cv::Mat &kernel) {
    cv::dnn::Net net;
    cv::dnn::LayerParams conv;
    conv.set("kernel_h", 1);
    conv.set("kernel_w", 1);
    conv.blobs = {kernel.clone()};
    net.addLayerToPrev("conv", mbdnn::convolutionLayerType, conv);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    return net;
}

cv::Mat forwardOnce(cv::dnn::Net &net, const cv::Mat &input) {
    net.setInput(input);
    return net.forward().clone();
}

} // namespace

extern "C" int mbdnn_test_shared_weights_check(int *same_shared, int *different_apart, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_shared_weights_check", err, errlen, [&] {
        mbdnn::require(same_shared != nullptr && different_apart != nullptr, "a result is NULL");
        mbdnn::registerConvolutionLayer();
        cv::RNG rng(7);
        const cv::Mat kernel = randomMat(rng, {20, 12, 1, 1}, -1, 1);
        // The same kernel with its last weight one unit in the last place larger.
        cv::Mat nudged = kernel.clone();
        float &last = nudged.ptr<float>()[nudged.total() - 1];
        last = std::nextafter(last, 2.0f);
        const cv::Mat input = randomMat(rng, {1, 12, 5, 7}, -3, 3);
        cv::Mat alone;
        {
            cv::dnn::Net net = pointwiseNet(nudged);
            alone = forwardOnce(net, input);
        }
        // Three networks alive at once: the first two share their weights, the third must not take them.
        cv::dnn::Net first = pointwiseNet(kernel), second = pointwiseNet(kernel), third = pointwiseNet(nudged);
        const cv::Mat a = forwardOnce(first, input), b = forwardOnce(second, input), c = forwardOnce(third, input);
        *same_shared = cv::norm(a, b, cv::NORM_INF) == 0 ? 1 : 0;
        *different_apart = cv::norm(c, alone, cv::NORM_INF) == 0 && cv::norm(c, a, cv::NORM_INF) > 0 ? 1 : 0;
    });
}
