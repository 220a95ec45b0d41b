// CMaskBenchDNNTestSupport: checks of CMaskBenchDNN's own layers (depthwise.cpp, convolution.cpp) against
// OpenCV's, for tests only.

#include "CMaskBenchDNNTestSupport.h"
#include "dnn_internal.hpp"

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <algorithm>
#include <vector>

namespace {

/// input -> [Padding] -> conv -> BatchNorm -> [ReLU6], `conv` OpenCV's Convolution with `groups` groups
/// (`variant` < 0) or CMaskBenchDNN's layer `ourType` in that variant; returns the output.
cv::Mat runConvolution(const char *ourType, int variant, int groups, const cv::Mat &input, const cv::Mat &kernel,
                       const cv::Mat &bias, const std::vector<cv::Mat> &batchNorm, int kernelH, int kernelW,
                       int strideH, int strideW, int padTop, int padBottom, int padLeft, int padRight, bool relu6) {
    cv::dnn::Net net;
    int previous = 0;
    bool symmetric = padTop == padBottom && padLeft == padRight;
    cv::dnn::LayerParams conv;
    conv.set("kernel_h", kernelH);
    conv.set("kernel_w", kernelW);
    conv.set("stride_h", strideH);
    conv.set("stride_w", strideW);
    conv.blobs = {kernel.clone(), bias.clone()};
    if (variant >= 0) {
        conv.type = ourType;
        conv.set("variant", variant);
        conv.set("pad_t", padTop);
        conv.set("pad_b", padBottom);
        conv.set("pad_l", padLeft);
        conv.set("pad_r", padRight);
    } else {
        if (!symmetric) {
            cv::dnn::LayerParams pad;
            int paddings[8] = {0, 0, 0, 0, padTop, padBottom, padLeft, padRight};
            pad.set("paddings", cv::dnn::DictValue::arrayInt(paddings, 8));
            pad.set("input_dims", 4);
            previous = net.addLayerToPrev("pad", "Padding", pad);
        }
        conv.type = "Convolution";
        conv.set("pad_h", symmetric ? padTop : 0);
        conv.set("pad_w", symmetric ? padLeft : 0);
        conv.set("num_output", kernel.size[0]);
        conv.set("group", groups);
        conv.set("bias_term", true);
    }
    conv.name = "conv";
    previous = net.addLayerToPrev(conv.name, conv.type, conv);
    cv::dnn::LayerParams norm;
    norm.set("eps", 1e-3f);
    norm.set("has_weight", true);
    norm.set("has_bias", true);
    norm.blobs = batchNorm;
    previous = net.addLayerToPrev("norm", "BatchNorm", norm);
    if (relu6) {
        cv::dnn::LayerParams clamp;
        clamp.set("min_value", 0.0f);
        clamp.set("max_value", 6.0f);
        previous = net.addLayerToPrev("relu6", "ReLU6", clamp);
    }
    (void)previous;
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setInput(input);
    return net.forward().clone();
}

/// The largest difference between our layer `ourType` (each of its `variants`) and OpenCV's Convolution with
/// `groups` groups, on one random case from `seed`: an input of 2 images of `inChannels` x height x width, a
/// kernel of `outChannels` x (`inChannels` / `groups`) x kernelH x kernelW, a bias and a following BatchNorm.
/// `relative` divides by the largest output (at least 1): a long sum runs in another order in each layer.
double worstDifference(const char *ourType, size_t variants, int groups, int inChannels, int outChannels, int height,
                       int width, int kernelH, int kernelW, int strideH, int strideW, int padTop, int padBottom,
                       int padLeft, int padRight, bool relu6, unsigned seed, bool relative) {
    cv::RNG rng(seed);
    int inputShape[4] = {2, inChannels, height, width};
    cv::Mat input(4, inputShape, CV_32F);
    rng.fill(input, cv::RNG::UNIFORM, -3.0, 3.0);
    int kernelShape[4] = {outChannels, inChannels / groups, kernelH, kernelW};
    cv::Mat kernel(4, kernelShape, CV_32F);
    rng.fill(kernel, cv::RNG::UNIFORM, -1.0, 1.0);
    cv::Mat bias(1, outChannels, CV_32F);
    rng.fill(bias, cv::RNG::UNIFORM, -1.0, 1.0);
    std::vector<cv::Mat> batchNorm(4);
    for (size_t i = 0; i < 4; i++) {
        batchNorm[i].create(1, outChannels, CV_32F);
        // mean, variance (positive), scale, shift
        rng.fill(batchNorm[i], cv::RNG::UNIFORM, i == 1 ? 0.1 : -1.0, i == 1 ? 2.0 : 1.0);
    }
    cv::Mat theirs = runConvolution(nullptr, -1, groups, input, kernel, bias, batchNorm, kernelH, kernelW, strideH,
                                    strideW, padTop, padBottom, padLeft, padRight, relu6);
    double scale = relative ? std::max(1.0, cv::norm(theirs, cv::NORM_INF)) : 1.0;
    // Every variant this CPU runs (baseline, AVX2, AVX-512), each against OpenCV.
    double worst = 0;
    for (size_t variant = 0; variant < variants; variant++) {
        cv::Mat ours = runConvolution(ourType, static_cast<int>(variant), groups, input, kernel, bias, batchNorm,
                                      kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight, relu6);
        mbdnn::require(ours.dims == 4 && theirs.dims == 4 && ours.total() == theirs.total() &&
                           std::equal(ours.size.p, ours.size.p + 4, theirs.size.p),
                       "the two layers' outputs differ in shape");
        worst = std::max(worst, cv::norm(ours, theirs, cv::NORM_INF) / scale);
    }
    return worst;
}

} // namespace

extern "C" int mbdnn_test_depthwise_check(int channels, int height, int width, int kernel_h, int kernel_w,
                                          int stride_h, int stride_w, int pad_top, int pad_bottom, int pad_left,
                                          int pad_right, int relu6, unsigned seed, double *max_difference,
                                          char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_depthwise_check", err, errlen, [&] {
        mbdnn::require(max_difference != nullptr, "max_difference is NULL");
        mbdnn::registerDepthwiseLayer();
        *max_difference = worstDifference(mbdnn::depthwiseLayerType, mbdnn::depthwiseVariantCount(), channels,
                                          channels, channels, height, width, kernel_h, kernel_w, stride_h, stride_w,
                                          pad_top, pad_bottom, pad_left, pad_right, relu6 != 0, seed, false);
    });
}

extern "C" int mbdnn_test_convolution_check(int in_channels, int out_channels, int height, int width, int kernel_h,
                                            int kernel_w, int stride_h, int stride_w, int pad_top, int pad_bottom,
                                            int pad_left, int pad_right, int relu6, unsigned seed,
                                            double *max_difference, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_convolution_check", err, errlen, [&] {
        mbdnn::require(max_difference != nullptr, "max_difference is NULL");
        mbdnn::registerConvolutionLayer();
        *max_difference = worstDifference(mbdnn::convolutionLayerType, mbdnn::convolutionVariantCount(), 1,
                                          in_channels, out_channels, height, width, kernel_h, kernel_w, stride_h,
                                          stride_w, pad_top, pad_bottom, pad_left, pad_right, relu6 != 0, seed, true);
    });
}
