// CMaskBenchDNNTestSupport: checks of CMaskBenchDNN's own layers (depthwise.cpp, convolution.cpp,
// onednn_convolution.cpp) against OpenCV's, for tests only.

#include "CMaskBenchDNNTestSupport.h"
#include "dnn_internal.hpp"

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <algorithm>
#include <vector>

namespace {

/// One random case: an input of 2 images of `inChannels` x height x width into a convolution of `outChannels`
/// outputs with `groups` groups, then a BatchNorm (when `norm`) and an activation.
struct Case {
    int groups, inChannels, outChannels, height, width, kernelH, kernelW, strideH, strideW;
    int padTop, padBottom, padLeft, padRight;
    int dilation = 1;
    bool norm = true;
    /// 0 none, 1 ReLU, 2 ReLU6.
    int activation = 0;
};

/// input -> [Padding] -> conv -> [BatchNorm] -> [ReLU or ReLU6], `conv` OpenCV's Convolution (`variant` < 0) or
/// CMaskBenchDNN's layer `ourType` in that variant; returns the output.
cv::Mat runConvolution(const char *ourType, int variant, const Case &c, const cv::Mat &input, const cv::Mat &kernel,
                       const cv::Mat &bias, const std::vector<cv::Mat> &batchNorm) {
    cv::dnn::Net net;
    int previous = 0;
    bool symmetric = c.padTop == c.padBottom && c.padLeft == c.padRight;
    cv::dnn::LayerParams conv;
    conv.set("kernel_h", c.kernelH);
    conv.set("kernel_w", c.kernelW);
    conv.set("stride_h", c.strideH);
    conv.set("stride_w", c.strideW);
    if (c.dilation != 1) {
        conv.set("dilation_h", c.dilation);
        conv.set("dilation_w", c.dilation);
    }
    conv.blobs = {kernel.clone(), bias.clone()};
    if (variant >= 0) {
        conv.type = ourType;
        conv.set("variant", variant);
        conv.set("group", c.groups);
        conv.set("pad_t", c.padTop);
        conv.set("pad_b", c.padBottom);
        conv.set("pad_l", c.padLeft);
        conv.set("pad_r", c.padRight);
    } else {
        if (!symmetric) {
            cv::dnn::LayerParams pad;
            int paddings[8] = {0, 0, 0, 0, c.padTop, c.padBottom, c.padLeft, c.padRight};
            pad.set("paddings", cv::dnn::DictValue::arrayInt(paddings, 8));
            pad.set("input_dims", 4);
            previous = net.addLayerToPrev("pad", "Padding", pad);
        }
        conv.type = "Convolution";
        conv.set("pad_h", symmetric ? c.padTop : 0);
        conv.set("pad_w", symmetric ? c.padLeft : 0);
        conv.set("num_output", kernel.size[0]);
        conv.set("group", c.groups);
        conv.set("bias_term", true);
    }
    conv.name = "conv";
    previous = net.addLayerToPrev(conv.name, conv.type, conv);
    if (c.norm) {
        cv::dnn::LayerParams norm;
        norm.set("eps", 1e-3f);
        norm.set("has_weight", true);
        norm.set("has_bias", true);
        norm.blobs = batchNorm;
        previous = net.addLayerToPrev("norm", "BatchNorm", norm);
    }
    if (c.activation == 2) {
        cv::dnn::LayerParams clamp;
        clamp.set("min_value", 0.0f);
        clamp.set("max_value", 6.0f);
        previous = net.addLayerToPrev("relu6", "ReLU6", clamp);
    } else if (c.activation == 1) {
        cv::dnn::LayerParams relu;
        previous = net.addLayerToPrev("relu", "ReLU", relu);
    }
    (void)previous;
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setInput(input);
    return net.forward().clone();
}

/// The largest difference between our layer `ourType` (each of its `variants`) and OpenCV's Convolution on one
/// random case from `seed`: a kernel of `outChannels` x (`inChannels` / `groups`) x kernelH x kernelW, a bias
/// and the BatchNorm's statistics. `relative` divides by the largest output (at least 1): a long sum runs in
/// another order in each layer. Each variant's output goes to `outputs` when given.
double worstDifference(const char *ourType, size_t variants, const Case &c, unsigned seed, bool relative,
                       std::vector<cv::Mat> *outputs = nullptr) {
    cv::RNG rng(seed);
    int inputShape[4] = {2, c.inChannels, c.height, c.width};
    cv::Mat input(4, inputShape, CV_32F);
    rng.fill(input, cv::RNG::UNIFORM, -3.0, 3.0);
    int kernelShape[4] = {c.outChannels, c.inChannels / c.groups, c.kernelH, c.kernelW};
    cv::Mat kernel(4, kernelShape, CV_32F);
    rng.fill(kernel, cv::RNG::UNIFORM, -1.0, 1.0);
    cv::Mat bias(1, c.outChannels, CV_32F);
    rng.fill(bias, cv::RNG::UNIFORM, -1.0, 1.0);
    std::vector<cv::Mat> batchNorm(4);
    for (size_t i = 0; i < 4; i++) {
        batchNorm[i].create(1, c.outChannels, CV_32F);
        // mean, variance (positive), scale, shift
        rng.fill(batchNorm[i], cv::RNG::UNIFORM, i == 1 ? 0.1 : -1.0, i == 1 ? 2.0 : 1.0);
    }
    cv::Mat theirs = runConvolution(nullptr, -1, c, input, kernel, bias, batchNorm);
    double scale = relative ? std::max(1.0, cv::norm(theirs, cv::NORM_INF)) : 1.0;
    // Every variant this CPU runs (baseline, AVX2, AVX-512), each against OpenCV.
    double worst = 0;
    for (size_t variant = 0; variant < variants; variant++) {
        cv::Mat ours = runConvolution(ourType, static_cast<int>(variant), c, input, kernel, bias, batchNorm);
        mbdnn::require(ours.dims == 4 && theirs.dims == 4 && ours.total() == theirs.total() &&
                           std::equal(ours.size.p, ours.size.p + 4, theirs.size.p),
                       "the two layers' outputs differ in shape");
        worst = std::max(worst, cv::norm(ours, theirs, cv::NORM_INF) / scale);
        if (outputs != nullptr) {
            outputs->push_back(ours);
        }
    }
    return worst;
}

} // namespace

extern "C" int mbdnn_test_depthwise_check(int channels, int height, int width, int kernel_h, int kernel_w,
                                          int stride_h, int stride_w, int pad_top, int pad_bottom, int pad_left,
                                          int pad_right, int relu6, unsigned seed, double *max_difference,
                                          double *fused_difference, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_depthwise_check", err, errlen, [&] {
        mbdnn::require(max_difference != nullptr && fused_difference != nullptr, "an output pointer is NULL");
        mbdnn::registerDepthwiseLayer();
        const Case c{channels, channels, channels, height, width, kernel_h, kernel_w, stride_h, stride_w,
                     pad_top, pad_bottom, pad_left, pad_right, 1, true, relu6 != 0 ? 2 : 0};
        std::vector<cv::Mat> outputs;
        *max_difference =
            worstDifference(mbdnn::depthwiseLayerType, mbdnn::depthwiseVariantCount(), c, seed, false, &outputs);
        // Variants 1 and up (AVX2, AVX-512) sum the same taps with the same fused multiply-adds in the same order.
        *fused_difference = 0;
        for (size_t variant = 2; variant < outputs.size(); variant++) {
            *fused_difference = std::max(*fused_difference, cv::norm(outputs[variant], outputs[1], cv::NORM_INF));
        }
    });
}

extern "C" int mbdnn_test_convolution_check(int in_channels, int out_channels, int height, int width, int kernel_h,
                                            int kernel_w, int stride_h, int stride_w, int pad_top, int pad_bottom,
                                            int pad_left, int pad_right, int relu6, unsigned seed,
                                            double *max_difference, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_convolution_check", err, errlen, [&] {
        mbdnn::require(max_difference != nullptr, "max_difference is NULL");
        mbdnn::registerConvolutionLayer();
        const Case c{1, in_channels, out_channels, height, width, kernel_h, kernel_w, stride_h, stride_w,
                     pad_top, pad_bottom, pad_left, pad_right, 1, true, relu6 != 0 ? 2 : 0};
        *max_difference = worstDifference(mbdnn::convolutionLayerType, mbdnn::convolutionVariantCount(), c, seed, true);
    });
}

extern "C" int mbdnn_test_onednn_convolution_check(int in_channels, int out_channels, int groups, int height,
                                                   int width, int kernel_h, int kernel_w, int stride_h, int stride_w,
                                                   int pad_top, int pad_bottom, int pad_left, int pad_right,
                                                   int dilation, int batch_norm, int activation, unsigned seed,
                                                   double *max_difference, char *err, size_t errlen) {
    return mbdnn::guarded("mbdnn_test_onednn_convolution_check", err, errlen, [&] {
        mbdnn::require(max_difference != nullptr, "max_difference is NULL");
        mbdnn::require(activation >= 0 && activation <= 2, "activation must be 0, 1 or 2");
        mbdnn::registerOneDNNConvolutionLayer();
        const Case c{groups,  in_channels, out_channels, height,     width,    kernel_h,  kernel_w,
                     stride_h, stride_w,  pad_top,      pad_bottom, pad_left, pad_right, dilation,
                     batch_norm != 0, activation};
        *max_difference = worstDifference(mbdnn::oneDNNConvolutionLayerType, 1, c, seed, true);
    });
}
