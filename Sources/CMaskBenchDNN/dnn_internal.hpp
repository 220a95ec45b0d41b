// Internal helpers shared by the C++ files of CMaskBenchDNN (not part of the C API, not seen by Swift).

#ifndef CMASKBENCH_DNN_INTERNAL_HPP
#define CMASKBENCH_DNN_INTERNAL_HPP

#include "CMaskBenchDNN.h"

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <cstring>
#include <exception>
#include <initializer_list>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

struct mbdnn_net {
    cv::dnn::Net net;
    /// The default outputs: the unconnected output layers, or for a Keras model its outputs in order.
    std::vector<std::string> defaultOutputs;
    /// The outputs kept by the last forward, in the order asked.
    std::vector<cv::Mat> outputs;
    /// The first input's shape as the model declares it, without the batch, NCHW (a Keras InputLayer); empty
    /// when the model declares none.
    std::vector<int> inputShape;
};

namespace mbdnn {

/// An error raised inside the shim with its C status code; turned into a return code by `guarded`.
struct Error : std::runtime_error {
    int status;
    Error(int status, const std::string &message) : std::runtime_error(message), status(status) {}
};

/// Writes `message` into the caller's buffer, NUL-terminated and truncated to fit.
inline void writeMessage(char *err, size_t errlen, const std::string &message) noexcept {
    if (err == nullptr || errlen == 0) {
        return;
    }
    size_t n = message.size() < errlen - 1 ? message.size() : errlen - 1;
    std::memcpy(err, message.data(), n);
    err[n] = '\0';
}

/// Runs `body` and turns every C++ exception into a status code plus message: nothing unwinds past here.
template <typename Body> int guarded(const char *function, char *err, size_t errlen, Body &&body) noexcept {
    try {
        body();
        return MBDNN_OK;
    } catch (const Error &e) {
        writeMessage(err, errlen, std::string(function) + ": " + e.what());
        return e.status;
    } catch (const cv::Exception &e) {
        writeMessage(err, errlen, std::string(function) + ": OpenCV: " + e.what());
        return MBDNN_ERR_OPENCV;
    } catch (const std::bad_alloc &) {
        writeMessage(err, errlen, std::string(function) + ": out of memory");
        return MBDNN_ERR_INTERNAL;
    } catch (const std::exception &e) {
        writeMessage(err, errlen, std::string(function) + ": " + e.what());
        return MBDNN_ERR_INTERNAL;
    } catch (...) {
        writeMessage(err, errlen, std::string(function) + ": unknown C++ exception");
        return MBDNN_ERR_INTERNAL;
    }
}

/// Throws MBDNN_ERR_ARGUMENT with `message` unless `condition`.
inline void require(bool condition, const std::string &message) {
    if (!condition) {
        throw Error(MBDNN_ERR_ARGUMENT, message);
    }
}

/// Throws MBDNN_ERR_IO unless `path` names a readable file.
void requireReadableFile(const char *path, const char *what);

/// The window of our convolution layers: kernel, strides, padding and dilation from the layer's parameters, as
/// the Keras importer sets them (`kernel_h`, `kernel_w`, `stride_h`, `stride_w`, `pad_t`, `pad_b`, `pad_l`,
/// `pad_r`) or as OpenCV's Caffe importer passes a `convolution_param` (`kernel_size`, `stride`, `pad`,
/// `dilation`: one value for both axes or one per axis; `kernel_h`, `pad_h`, `dilation_h` and so on).
struct Window {
    int kernelH = 0, kernelW = 0, strideH = 1, strideW = 1;
    int padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
    /// The distance between taps (1: adjacent).
    int dilationH = 1, dilationW = 1;

    /// Reads the window; a kernel, stride or dilation below 1 or a negative padding fails an assertion.
    explicit Window(const cv::dnn::LayerParams &params);

    /// The output's height for an input `inH` rows high.
    int outH(int inH) const { return (inH + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1; }
    /// The output's width for an input `inW` columns wide.
    int outW(int inW) const { return (inW + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1; }

    /// The output shape (getMemoryShapes) of a layer with this window, `inChannels` in and `outChannels` out, for
    /// its one NCHW input; an input of another shape, or one too small for the window, fails an assertion.
    cv::dnn::MatShape outputShape(const std::vector<cv::dnn::MatShape> &inputs, int inChannels,
                                  int outChannels) const;
};

/// The inputs (one or more) and the one output of our layers' forward (headers sharing the blobs' data), all float
/// and continuous; anything else fails an assertion.
std::pair<std::vector<cv::Mat>, cv::Mat> forwardFloatBlobs(cv::InputArrayOfArrays inputs,
                                                           cv::OutputArrayOfArrays outputs);

/// The first parameter of `params` (in its order) that is not one of `known`, or "" when they all are: a layer
/// that implements only some of a type's parameters refuses the others rather than ignore them.
std::string unknownParameter(const cv::dnn::LayerParams &params, std::initializer_list<const char *> known);

/// forwardFloatBlobs for a layer of one input: the input and the output, both 4-dimensional.
std::pair<cv::Mat, cv::Mat> forwardBlobs(cv::InputArrayOfArrays inputs, cv::OutputArrayOfArrays outputs);

/// A ReLU6 or plain ReLU that a layer takes in (OpenCV's setActivation) as a clamp of its outputs to [low, high].
struct Clamp {
    bool taken = false;
    float low = -std::numeric_limits<float>::infinity();
    float high = std::numeric_limits<float>::infinity();

    /// Takes `layer` when it is a ReLU6 or a ReLU without a negative slope and no activation was taken yet.
    bool take(const cv::Ptr<cv::dnn::ActivationLayer> &layer);
};

/// The per-channel scale and shift of `top` (a BatchNorm or Scale: OpenCV's getScaleShift) for a layer of
/// `channels` outputs; false when it has none, or they are not one float per channel (an empty one means 1 or 0).
bool channelScaleShift(const cv::Ptr<cv::dnn::Layer> &top, int channels, cv::Mat &scale, cv::Mat &shift);

/// A layer's own bias (its second blob, one float per channel of `channels`) padded with zeros to `size`
/// floats; all zeros when the layer has none. A bias of another shape or type fails an assertion.
std::vector<float> layerBias(const cv::dnn::LayerParams &params, int channels, size_t size);

/// Takes `top`'s per-channel scale s and shift t (channelScaleShift) into a layer's sums' `scale` and `bias`
/// (scale x s, bias x s + t, for the first `channels`), as the convolution layers apply them after each sum;
/// false, and nothing changed, when `top` has none.
bool takeScaleShift(const cv::Ptr<cv::dnn::Layer> &top, int channels, float *scale, float *bias);

/// The layer type of depthwise.cpp's depthwise convolution (depth multiplier 1, no dilation, any padding).
extern const char *const depthwiseLayerType;

/// Registers depthwise.cpp's layer with OpenCV's layer factory (once; later calls do nothing).
void registerDepthwiseLayer();

/// How many implementations of the depthwise layer this CPU runs (baseline, AVX2, AVX-512): a test picks one
/// with the layer parameter `variant` (0 is the baseline, the default -1 the best).
size_t depthwiseVariantCount();

/// The window of `layer` and its channel count when it is depthwise.cpp's layer; nullptr otherwise.
const Window *depthwiseWindow(const cv::Ptr<cv::dnn::Layer> &layer, int &channels);

/// Runs depthwise.cpp's `layer` (its BatchNorm and activation taken in) on part of one image, for a convolution
/// that takes the layer in: output rows [firstRow, firstRow + outH) of every channel, `outW` wide, into `out`
/// (channel planes `outPlane` floats apart), from input rows [inRow, inRow + inH) of an image `inW` wide in `in`
/// (channel planes `inPlane` floats apart, local row 0 = image row inRow). Rows the outputs read outside those
/// must lie outside the image (they read as zeros). Each output is the one the layer's forward computes.
void depthwiseRows(const cv::Ptr<cv::dnn::Layer> &layer, const float *in, size_t inPlane, int inRow, int inH,
                   int inW, int firstRow, int outH, int outW, float *out, size_t outPlane);

/// The layer type of convolution.cpp's convolution (one group, no dilation, any padding).
extern const char *const convolutionLayerType;

/// Registers convolution.cpp's layer with OpenCV's layer factory (once; later calls do nothing).
void registerConvolutionLayer();

/// Stops `layer`, when it is convolution.cpp's, from taking in a depthwise convolution and what follows it (whose
/// outputs it then does not write): for a model with several outputs. Other layers are left as they are.
void keepConvolutionApart(const cv::Ptr<cv::dnn::Layer> &layer);

/// The layer type of onednn_convolution.cpp's convolution on oneDNN (any groups, dilation and padding).
extern const char *const oneDNNConvolutionLayerType;

/// Registers onednn_convolution.cpp's layer with OpenCV's layer factory (once; later calls do nothing).
void registerOneDNNConvolutionLayer();

/// The layer type of pooling.cpp's average over the whole image (the Keras importer's global average pooling).
extern const char *const averagePoolLayerType;

/// Registers pooling.cpp's average layer with OpenCV's layer factory (once; later calls do nothing).
void registerAveragePoolLayer();

/// The layer type of pooling.cpp's max pooling (Caffe's MAX pooling without padding).
extern const char *const maxPoolLayerType;

/// Registers pooling.cpp's layer with OpenCV's layer factory (once; later calls do nothing).
void registerMaxPoolLayer();

/// When `layer` is pooling.cpp's layer, makes it read its input in blocks of 16 channels (aBcd16b) or NCHW
/// (chainOneDNNLayouts). Whether it is and does (blocks need AVX-512).
bool setMaxPoolBlockedInput(const cv::Ptr<cv::dnn::Layer> &layer, bool blocked);

/// res10's network from `prototxt` and `caffemodel` as the detector runs it: CMaskBenchDNN's convolution,
/// DetectionOutput (its threshold raised to `confidence`), Normalize, sum and max pooling layers in OpenCV's place
/// (detect.cpp).
cv::dnn::Net readRes10(const char *prototxt, const char *caffemodel, double confidence);

/// Chains the layouts of `net`'s oneDNN convolutions (see onednn_convolution.cpp's header): after the network's
/// first forward, before the next, for a network whose forwards ask for no convolution's output (res10's
/// detections): a chained convolution's blob may hold NHWC or blocks, which only its readers know.
void chainOneDNNLayouts(cv::dnn::Net &net);

/// What chainOneDNNLayouts set on `layer`, a oneDNN convolution: input NHWC, output not NCHW, reads a shared copy
/// of its input (0 or 1 each); empty for another layer. For tests.
std::vector<int> oneDNNBlobLayouts(const cv::Ptr<cv::dnn::Layer> &layer);

/// The layer type of detection_output.cpp's SSD DetectionOutput (res10's parameters only; others are refused).
extern const char *const detectionOutputLayerType;

/// Registers detection_output.cpp's layer with OpenCV's layer factory (once; later calls do nothing).
void registerDetectionOutputLayer();

/// The layer type of normalize.cpp's SSD Normalize (res10's parameters only; others are refused).
extern const char *const normalizeLayerType;

/// Registers normalize.cpp's layer with OpenCV's layer factory (once; later calls do nothing).
void registerNormalizeLayer();

/// The layer type of sum.cpp's element-wise sum (of inputs of one shape, coefficients 1; others are refused).
extern const char *const sumLayerType;

/// Registers sum.cpp's layer with OpenCV's layer factory (once; later calls do nothing).
void registerSumLayer();

/// How many implementations of the convolution layer this CPU runs (baseline, AVX2, AVX-512): a test picks one
/// with the layer parameter `variant` (0 is the baseline, the default -1 the best).
size_t convolutionVariantCount();

/// Whether this CPU runs the convolution layer's AVX-512 tile, the one faster than OpenCV's Convolution (the
/// plain-loop variants are slower: the importer then keeps OpenCV's).
bool convolutionLayerIsFaster();

/// Builds a network from a Keras 2 HDF5 file (keras.cpp). Throws `Error` or `cv::Exception`.
void importKeras(const std::string &path, mbdnn_net &out);

} // namespace mbdnn

#endif
