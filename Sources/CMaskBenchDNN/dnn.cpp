// CMaskBenchDNN: networks and image helpers of the C API declared in include/CMaskBenchDNN.h.
//
// Every entry point runs its body through mbdnn::guarded, which catches every C++ exception (cv::Exception
// included) and turns it into a status code and a message: nothing unwinds into Swift.

#include "CMaskBenchDNN.h"
#include "dnn_internal.hpp"

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/dnn/all_layers.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace mbdnn {

void requireReadableFile(const char *path, const char *what) {
    require(path != nullptr && path[0] != '\0', std::string("no path given for the ") + what);
    std::ifstream file(path, std::ios::binary);
    if (!file.good()) {
        throw Error(MBDNN_ERR_IO, std::string("cannot open the ") + what + " '" + path + "'");
    }
}

} // namespace mbdnn

namespace {

using mbdnn::Error;
using mbdnn::guarded;
using mbdnn::require;

/// Wraps a freshly read OpenCV network in a handle, with its unconnected outputs as default outputs.
mbdnn_net *makeHandle(cv::dnn::Net &&net) {
    require(!net.empty(), "OpenCV returned an empty network");
    auto handle = std::make_unique<mbdnn_net>();
    handle->net = std::move(net);
    handle->defaultOutputs = handle->net.getUnconnectedOutLayersNames();
    return handle.release();
}

const cv::Mat &keptOutput(const mbdnn_net *net, int index) {
    require(net != nullptr, "net is NULL");
    require(index >= 0 && static_cast<size_t>(index) < net->outputs.size(),
            "output index " + std::to_string(index) + " out of range (" + std::to_string(net->outputs.size()) +
                " outputs kept by the last forward)");
    return net->outputs[static_cast<size_t>(index)];
}

/// A Mat header over a caller's 8-bit interleaved image (no copy).
cv::Mat wrapImage(const uint8_t *data, int width, int height, int channels, size_t step) {
    require(data != nullptr, "image data is NULL");
    require(width > 0 && height > 0, "image size must be positive, got " + std::to_string(width) + "x" +
                                         std::to_string(height));
    require(channels >= 1 && channels <= 4, "channels must be 1...4, got " + std::to_string(channels));
    size_t tight = static_cast<size_t>(width) * static_cast<size_t>(channels);
    require(step == 0 || step >= tight, "row step " + std::to_string(step) + " is smaller than a row");
    return cv::Mat(height, width, CV_8UC(channels), const_cast<uint8_t *>(data), step == 0 ? tight : step);
}

} // namespace

extern "C" const char *mbdnn_opencv_version(void) { return CV_VERSION; }

extern "C" void mbdnn_set_num_threads(int threads) {
    try {
        cv::setNumThreads(threads);
    } catch (...) {
        // cv::setNumThreads does not throw in practice; nothing may unwind into Swift.
    }
}

extern "C" int mbdnn_num_threads(void) {
    try {
        return cv::getNumThreads();
    } catch (...) {
        return 1;
    }
}

// MARK: - Networks

extern "C" int mbdnn_net_create_caffe(const char *prototxt, const char *caffemodel, mbdnn_net **out, char *err,
                                      size_t errlen) {
    return guarded("mbdnn_net_create_caffe", err, errlen, [&] {
        require(out != nullptr, "out is NULL");
        *out = nullptr;
        mbdnn::requireReadableFile(prototxt, "Caffe prototxt");
        mbdnn::requireReadableFile(caffemodel, "Caffe model");
        *out = makeHandle(cv::dnn::readNetFromCaffe(prototxt, caffemodel));
    });
}

extern "C" int mbdnn_net_create_onnx(const char *onnx, mbdnn_net **out, char *err, size_t errlen) {
    return guarded("mbdnn_net_create_onnx", err, errlen, [&] {
        require(out != nullptr, "out is NULL");
        *out = nullptr;
        mbdnn::requireReadableFile(onnx, "ONNX model");
        *out = makeHandle(cv::dnn::readNetFromONNX(onnx));
    });
}

extern "C" int mbdnn_net_create_keras(const char *h5, mbdnn_net **out, char *err, size_t errlen) {
    return guarded("mbdnn_net_create_keras", err, errlen, [&] {
        require(out != nullptr, "out is NULL");
        *out = nullptr;
        mbdnn::requireReadableFile(h5, "Keras HDF5 model");
        auto handle = std::make_unique<mbdnn_net>();
        mbdnn::importKeras(h5, *handle);
        *out = handle.release();
    });
}

extern "C" void mbdnn_net_destroy(mbdnn_net *net) {
    try {
        delete net;
    } catch (...) {
        // Destructors of OpenCV objects do not throw; nothing may unwind into Swift.
    }
}

extern "C" int mbdnn_net_output_count(const mbdnn_net *net) {
    return net == nullptr ? 0 : static_cast<int>(net->defaultOutputs.size());
}

extern "C" int mbdnn_net_output_name(const mbdnn_net *net, int index, char *name, size_t namelen, char *err,
                                     size_t errlen) {
    return guarded("mbdnn_net_output_name", err, errlen, [&] {
        require(net != nullptr, "net is NULL");
        require(index >= 0 && static_cast<size_t>(index) < net->defaultOutputs.size(),
                "output index " + std::to_string(index) + " out of range");
        require(name != nullptr && namelen > 0, "name buffer is empty");
        mbdnn::writeMessage(name, namelen, net->defaultOutputs[static_cast<size_t>(index)]);
    });
}

extern "C" int mbdnn_net_input_shape(const mbdnn_net *net, int *shape, int *ndims, char *err, size_t errlen) {
    return guarded("mbdnn_net_input_shape", err, errlen, [&] {
        require(net != nullptr && shape != nullptr && ndims != nullptr, "net, shape or ndims is NULL");
        require(net->inputShape.size() <= MBDNN_MAX_DIMS, "input has more than MBDNN_MAX_DIMS dimensions");
        *ndims = static_cast<int>(net->inputShape.size());
        std::copy(net->inputShape.begin(), net->inputShape.end(), shape);
    });
}

extern "C" int mbdnn_net_set_input(mbdnn_net *net, const float *data, const int *shape, int ndims,
                                   const char *name, char *err, size_t errlen) {
    return guarded("mbdnn_net_set_input", err, errlen, [&] {
        require(net != nullptr, "net is NULL");
        require(data != nullptr && shape != nullptr, "data or shape is NULL");
        require(ndims >= 1 && ndims <= MBDNN_MAX_DIMS, "ndims must be 1..." + std::to_string(MBDNN_MAX_DIMS));
        for (int i = 0; i < ndims; i++) {
            require(shape[i] > 0, "shape[" + std::to_string(i) + "] must be positive");
        }
        // Net::setInput copies the blob into the network's own input (a classifier face: 600 KB, copied once).
        net->net.setInput(cv::Mat(ndims, shape, CV_32F, const_cast<float *>(data)), name == nullptr ? "" : name);
    });
}

extern "C" int mbdnn_net_forward(mbdnn_net *net, const char *const *names, int count, char *err,
                                 size_t errlen) {
    return guarded("mbdnn_net_forward", err, errlen, [&] {
        require(net != nullptr, "net is NULL");
        require(count >= 0 && (count == 0 || names != nullptr), "names is NULL");
        net->outputs.clear();
        std::vector<std::string> wanted;
        if (count == 0) {
            wanted = net->defaultOutputs;
        } else {
            for (int i = 0; i < count; i++) {
                require(names[i] != nullptr, "names[" + std::to_string(i) + "] is NULL");
                wanted.emplace_back(names[i]);
            }
        }
        std::vector<cv::Mat> outs;
        if (wanted.empty()) {
            outs.push_back(net->net.forward());
        } else {
            for (const auto &n : wanted) {
                if (net->net.getLayerId(n) < 0) {
                    throw Error(MBDNN_ERR_ARGUMENT, "the network has no layer named '" + n + "'");
                }
            }
            std::vector<cv::String> cvNames(wanted.begin(), wanted.end());
            net->net.forward(outs, cvNames);
        }
        for (auto &m : outs) {
            cv::Mat f;
            if (m.depth() != CV_32F) {
                m.convertTo(f, CV_32F);
            } else {
                f = m.isContinuous() ? m : m.clone();
            }
            net->outputs.push_back(f);
        }
    });
}

extern "C" int mbdnn_net_output_shape(const mbdnn_net *net, int index, int *shape, int *ndims, size_t *total,
                                      char *err, size_t errlen) {
    return guarded("mbdnn_net_output_shape", err, errlen, [&] {
        const cv::Mat &m = keptOutput(net, index);
        require(m.dims <= MBDNN_MAX_DIMS, "output has more than MBDNN_MAX_DIMS dimensions");
        if (ndims != nullptr) {
            *ndims = m.dims;
        }
        if (shape != nullptr) {
            for (int i = 0; i < m.dims; i++) {
                shape[i] = m.size[i];
            }
        }
        if (total != nullptr) {
            *total = m.total();
        }
    });
}

extern "C" int mbdnn_net_output_copy(const mbdnn_net *net, int index, float *dst, size_t capacity, char *err,
                                     size_t errlen) {
    return guarded("mbdnn_net_output_copy", err, errlen, [&] {
        const cv::Mat &m = keptOutput(net, index);
        require(dst != nullptr, "dst is NULL");
        require(capacity >= m.total(), "dst holds " + std::to_string(capacity) + " floats, the output has " +
                                           std::to_string(m.total()));
        std::memcpy(dst, m.ptr<float>(), m.total() * sizeof(float));
    });
}

extern "C" int mbdnn_net_output_data(const mbdnn_net *net, int index, const float **data, char *err,
                                     size_t errlen) {
    return guarded("mbdnn_net_output_data", err, errlen, [&] {
        const cv::Mat &m = keptOutput(net, index);
        require(data != nullptr, "data is NULL");
        *data = m.ptr<float>();
    });
}

// MARK: - Image helpers

extern "C" int mbdnn_resize(const uint8_t *src, int width, int height, int channels, size_t step, uint8_t *dst,
                            int dst_width, int dst_height, size_t dst_step, int interpolation, char *err,
                            size_t errlen) {
    return guarded("mbdnn_resize", err, errlen, [&] {
        cv::Mat in = wrapImage(src, width, height, channels, step);
        cv::Mat out = wrapImage(dst, dst_width, dst_height, channels, dst_step);
        require(interpolation == MBDNN_INTER_NEAREST || interpolation == MBDNN_INTER_LINEAR ||
                    interpolation == MBDNN_INTER_AREA,
                "unknown interpolation " + std::to_string(interpolation));
        cv::resize(in, out, out.size(), 0, 0, interpolation);
        require(out.data == dst, "cv::resize reallocated the destination");
    });
}

extern "C" void mbdnn_planes_from_table(const uint8_t *src, size_t pixels, const int sources[3], const float *table,
                                        float *dst) {
    // One pass over the pixels, three look-ups each: 0.057 ms for a 224 x 224 face here, where the same loop in
    // Swift took 0.17 ms and AVX-512 gathers (of the bytes, then of the floats) 0.18 ms.
    const float *lookUp0 = table, *lookUp1 = table + 256, *lookUp2 = table + 512;
    float *plane0 = dst, *plane1 = dst + pixels, *plane2 = dst + 2 * pixels;
    const int source0 = sources[0], source1 = sources[1], source2 = sources[2];
    for (size_t i = 0; i < pixels; i++) {
        const uint8_t *pixel = src + i * 3;
        plane0[i] = lookUp0[pixel[source0]];
        plane1[i] = lookUp1[pixel[source1]];
        plane2[i] = lookUp2[pixel[source2]];
    }
}

extern "C" int mbdnn_cvt_color(const uint8_t *src, int width, int height, size_t step, uint8_t *dst,
                               size_t dst_step, int code, char *err, size_t errlen) {
    return guarded("mbdnn_cvt_color", err, errlen, [&] {
        int cvCode = 0;
        int inChannels = 3;
        int outChannels = 3;
        switch (code) {
        case MBDNN_COLOR_BGR2RGB:
            cvCode = cv::COLOR_BGR2RGB;
            break;
        case MBDNN_COLOR_BGR2GRAY:
            cvCode = cv::COLOR_BGR2GRAY;
            outChannels = 1;
            break;
        case MBDNN_COLOR_RGB2GRAY:
            cvCode = cv::COLOR_RGB2GRAY;
            outChannels = 1;
            break;
        case MBDNN_COLOR_GRAY2BGR:
            cvCode = cv::COLOR_GRAY2BGR;
            inChannels = 1;
            break;
        default:
            throw Error(MBDNN_ERR_ARGUMENT, "unknown color conversion " + std::to_string(code));
        }
        cv::Mat in = wrapImage(src, width, height, inChannels, step);
        cv::Mat out = wrapImage(dst, width, height, outChannels, dst_step);
        cv::cvtColor(in, out, cvCode);
        require(out.data == dst, "cv::cvtColor reallocated the destination");
    });
}

extern "C" int mbdnn_blob_from_image(const uint8_t *src, int width, int height, int channels, size_t step,
                                     double scale, int dst_width, int dst_height, const double *mean, int swap_rb,
                                     int crop, float *dst, size_t capacity, char *err, size_t errlen) {
    return guarded("mbdnn_blob_from_image", err, errlen, [&] {
        require(channels == 1 || channels == 3, "channels must be 1 or 3, got " + std::to_string(channels));
        require(dst_width >= 0 && dst_height >= 0, "negative blob size");
        cv::Mat in = wrapImage(src, width, height, channels, step);
        cv::Scalar meanValue;
        if (mean != nullptr) {
            for (int c = 0; c < channels; c++) {
                meanValue[c] = mean[c];
            }
        }
        cv::Mat blob = cv::dnn::blobFromImage(in, scale, cv::Size(dst_width, dst_height), meanValue, swap_rb != 0,
                                              crop != 0, CV_32F);
        require(dst != nullptr, "dst is NULL");
        require(capacity >= blob.total(), "dst holds " + std::to_string(capacity) + " floats, the blob has " +
                                              std::to_string(blob.total()));
        std::memcpy(dst, blob.ptr<float>(), blob.total() * sizeof(float));
    });
}

bool mbdnn::Clamp::take(const cv::Ptr<cv::dnn::ActivationLayer> &layer) {
    if (taken || layer.empty()) {
        return false;
    }
    if (auto relu6 = layer.dynamicCast<cv::dnn::ReLU6Layer>()) {
        low = relu6->minValue;
        high = relu6->maxValue;
    } else if (auto relu = layer.dynamicCast<cv::dnn::ReLULayer>(); relu && relu->negativeSlope == 0.0f) {
        low = 0.0f;
    } else {
        return false;
    }
    taken = true;
    return true;
}

bool mbdnn::channelScaleShift(const cv::Ptr<cv::dnn::Layer> &top, int channels, cv::Mat &scale, cv::Mat &shift) {
    top->getScaleShift(scale, shift);
    if (scale.empty() && shift.empty()) {
        return false;
    }
    auto perChannel = [&](const cv::Mat &m) {
        return m.empty() || (m.type() == CV_32F && m.total() == static_cast<size_t>(channels));
    };
    return perChannel(scale) && perChannel(shift);
}

std::string mbdnn::unknownParameter(const cv::dnn::LayerParams &params, std::initializer_list<const char *> known) {
    for (auto it = params.begin(); it != params.end(); ++it) {
        if (std::none_of(known.begin(), known.end(), [&](const char *name) { return it->first == name; })) {
            return it->first;
        }
    }
    return "";
}

std::pair<std::vector<cv::Mat>, cv::Mat> mbdnn::forwardFloatBlobs(cv::InputArrayOfArrays inputsArray,
                                                                  cv::OutputArrayOfArrays outputsArray) {
    std::vector<cv::Mat> inputs, outputs;
    inputsArray.getMatVector(inputs);
    outputsArray.getMatVector(outputs);
    CV_Assert(!inputs.empty() && outputs.size() == 1);
    for (const cv::Mat &m : inputs) {
        CV_Assert(m.type() == CV_32F && m.isContinuous());
    }
    CV_Assert(outputs[0].type() == CV_32F && outputs[0].isContinuous());
    return {inputs, outputs[0]};
}

std::pair<cv::Mat, cv::Mat> mbdnn::forwardBlobs(cv::InputArrayOfArrays inputsArray,
                                                cv::OutputArrayOfArrays outputsArray) {
    auto [inputs, output] = forwardFloatBlobs(inputsArray, outputsArray);
    CV_Assert(inputs.size() == 1 && inputs[0].dims == 4 && output.dims == 4);
    return {inputs[0], output};
}

std::vector<float> mbdnn::layerBias(const cv::dnn::LayerParams &params, int channels, size_t size) {
    CV_Assert(channels >= 0 && static_cast<size_t>(channels) <= size);
    std::vector<float> bias(size, 0.0f);
    if (params.blobs.size() > 1) {
        CV_Assert(params.blobs[1].total() == static_cast<size_t>(channels) && params.blobs[1].type() == CV_32F);
        const float *b = params.blobs[1].ptr<float>();
        std::copy(b, b + channels, bias.begin());
    }
    return bias;
}

bool mbdnn::takeScaleShift(const cv::Ptr<cv::dnn::Layer> &top, int channels, float *scale, float *bias) {
    cv::Mat s, t;
    if (top.empty() || !channelScaleShift(top, channels, s, t)) {
        return false;
    }
    for (int c = 0; c < channels; c++) {
        const float sc = s.empty() ? 1.0f : s.ptr<float>()[c];
        const float sh = t.empty() ? 0.0f : t.ptr<float>()[c];
        scale[c] *= sc;
        bias[c] = bias[c] * sc + sh;
    }
    return true;
}

namespace {

/// One axis of a window parameter: `axisName` (as `kernel_h`) if set, else `commonName` (as `kernel_size`),
/// one value for both axes or one per axis (`axis` 0 is the height), else `fallback`.
int windowValue(const cv::dnn::LayerParams &params, const char *axisName, const char *commonName, int axis,
                int fallback) {
    if (params.has(axisName)) {
        return params.get<int>(axisName);
    }
    if (commonName == nullptr || !params.has(commonName)) {
        return fallback;
    }
    const cv::dnn::DictValue &value = params.get(commonName);
    CV_Assert(value.size() == 1 || value.size() == 2);
    return value.get<int>(value.size() == 1 ? 0 : axis);
}

} // namespace

mbdnn::Window::Window(const cv::dnn::LayerParams &params)
    : kernelH(windowValue(params, "kernel_h", "kernel_size", 0, 0)),
      kernelW(windowValue(params, "kernel_w", "kernel_size", 1, 0)),
      strideH(windowValue(params, "stride_h", "stride", 0, 1)),
      strideW(windowValue(params, "stride_w", "stride", 1, 1)),
      dilationH(windowValue(params, "dilation_h", "dilation", 0, 1)),
      dilationW(windowValue(params, "dilation_w", "dilation", 1, 1)) {
    // Padding: per side (pad_t ...), else per axis (pad_h, pad_w), else Caffe's `pad`.
    const int padH = windowValue(params, "pad_h", "pad", 0, 0), padW = windowValue(params, "pad_w", "pad", 1, 0);
    padTop = params.get<int>("pad_t", padH);
    padBottom = params.get<int>("pad_b", padH);
    padLeft = params.get<int>("pad_l", padW);
    padRight = params.get<int>("pad_r", padW);
    CV_Assert(kernelH > 0 && kernelW > 0 && strideH > 0 && strideW > 0 && dilationH > 0 && dilationW > 0);
    CV_Assert(padTop >= 0 && padBottom >= 0 && padLeft >= 0 && padRight >= 0);
}

cv::dnn::MatShape mbdnn::Window::outputShape(const std::vector<cv::dnn::MatShape> &inputs, int inChannels,
                                             int outChannels) const {
    CV_Assert(inputs.size() == 1 && inputs[0].size() == 4 && inputs[0][1] == inChannels);
    const int height = outH(inputs[0][2]), width = outW(inputs[0][3]);
    CV_Assert(height > 0 && width > 0);
    return cv::dnn::MatShape{inputs[0][0], outChannels, height, width};
}
