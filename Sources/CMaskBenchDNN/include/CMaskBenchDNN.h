#ifndef CMASKBENCH_DNN_H
#define CMASKBENCH_DNN_H

/* A plain C API over OpenCV's DNN module (Debian libopencv-dnn-dev 4.6) and the Keras HDF5 importer.
 *
 * Swift never sees C++: every function catches cv::Exception and everything else, and reports failure as a
 * nonzero status (one of MBDNN_*) plus a NUL-terminated message written into the caller's buffer `err` of
 * `errlen` bytes (truncated to fit; `err` may be NULL when `errlen` is 0). On success `err` is left untouched.
 *
 * A network (`mbdnn_net`) is not thread-safe: use one per thread/worker. The image helpers are stateless and
 * may be called from any thread. Images are 8-bit interleaved buffers; `step` is the byte distance between two
 * rows (0 means tightly packed, `width * channels`), so a crop of a larger image is passed as a pointer to its
 * first pixel plus the larger image's step, without copying. */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes returned by every fallible function. */
enum {
    /** Success. */
    MBDNN_OK = 0,
    /** OpenCV threw a cv::Exception; the message is OpenCV's. */
    MBDNN_ERR_OPENCV = 1,
    /** A file could not be opened or read (missing, unreadable). */
    MBDNN_ERR_IO = 2,
    /** A file was read but its content is malformed (bad HDF5 layout, bad JSON config, weights of the wrong
     * size). */
    MBDNN_ERR_FORMAT = 3,
    /** A Keras layer class (or layer option) the importer does not support; the message names the layer and
     * its class. */
    MBDNN_ERR_UNSUPPORTED = 4,
    /** An invalid argument (NULL pointer, bad shape, unknown output name, index out of range). */
    MBDNN_ERR_ARGUMENT = 5,
    /** Any other C++ exception (std::bad_alloc, ...). */
    MBDNN_ERR_INTERNAL = 6
};

/** The largest number of dimensions of an input or output blob. */
#define MBDNN_MAX_DIMS 8

/** Interpolation modes for mbdnn_resize (the values of cv::InterpolationFlags). */
enum {
    /** cv::INTER_NEAREST. */
    MBDNN_INTER_NEAREST = 0,
    /** cv::INTER_LINEAR (bilinear; cv2.resize's default). */
    MBDNN_INTER_LINEAR = 1,
    /** cv::INTER_AREA. */
    MBDNN_INTER_AREA = 3
};

/** Color conversions for mbdnn_cvt_color. */
enum {
    /** 3 channels -> 3 channels, swaps the first and third (cv::COLOR_BGR2RGB, also RGB -> BGR). */
    MBDNN_COLOR_BGR2RGB = 0,
    /** 3 channels BGR -> 1 channel gray (cv::COLOR_BGR2GRAY). */
    MBDNN_COLOR_BGR2GRAY = 1,
    /** 1 channel gray -> 3 channels BGR (cv::COLOR_GRAY2BGR). */
    MBDNN_COLOR_GRAY2BGR = 2,
    /** 3 channels RGB -> 1 channel gray (cv::COLOR_RGB2GRAY). */
    MBDNN_COLOR_RGB2GRAY = 3
};

/** The OpenCV version the shim was built against, as "4.6.0". */
const char *mbdnn_opencv_version(void);

/** Sets the number of threads OpenCV uses (process-wide; cv::setNumThreads). 0 disables threading, negative
 * restores the default. */
void mbdnn_set_num_threads(int threads);

/** The number of threads OpenCV uses (cv::getNumThreads). */
int mbdnn_num_threads(void);

/* MARK: - Networks */

/** An OpenCV DNN network with its last input and outputs. Not thread-safe. */
typedef struct mbdnn_net mbdnn_net;

/** Loads a Caffe network (cv::dnn::readNetFromCaffe). On success stores a new handle in `*out`. */
int mbdnn_net_create_caffe(const char *prototxt, const char *caffemodel, mbdnn_net **out, char *err,
                           size_t errlen);

/** Loads an ONNX network (cv::dnn::readNetFromONNX). */
int mbdnn_net_create_onnx(const char *onnx, mbdnn_net **out, char *err, size_t errlen);

/** Builds a network from a Keras 2 HDF5 file (`model_config` + `model_weights`), NHWC Keras layers mapped to
 * NCHW OpenCV layers. The network's input is NCHW float32 (1 or more images); its outputs are the Keras
 * model's outputs, in order. Unsupported layers fail with MBDNN_ERR_UNSUPPORTED naming the layer and class;
 * missing or wrongly sized weights fail with MBDNN_ERR_FORMAT. */
int mbdnn_net_create_keras(const char *h5, mbdnn_net **out, char *err, size_t errlen);

/** Frees a network; NULL is ignored. */
void mbdnn_net_destroy(mbdnn_net *net);

/** The number of default outputs of the network (its unconnected output layers; a Keras model's outputs). */
int mbdnn_net_output_count(const mbdnn_net *net);

/** Copies the name of default output `index` into `name` (NUL-terminated, truncated to `namelen`). */
int mbdnn_net_output_name(const mbdnn_net *net, int index, char *name, size_t namelen, char *err, size_t errlen);

/** The shape the model declares for its first input, without the batch dimension, in NCHW order: (C, H, W) for
 * an image, as a Keras InputLayer gives it. Writes up to MBDNN_MAX_DIMS entries into `shape` and their count
 * into `*ndims`: 0 when the model declares none (Caffe and ONNX networks, which take any size OpenCV accepts). */
int mbdnn_net_input_shape(const mbdnn_net *net, int *shape, int *ndims, char *err, size_t errlen);

/** Sets the network input from a float32 buffer in NCHW order (cv::dnn::Net::setInput). `shape` has `ndims`
 * entries (1...MBDNN_MAX_DIMS); the data is copied. `name` selects the input layer; NULL or "" means the first
 * input. */
int mbdnn_net_set_input(mbdnn_net *net, const float *data, const int *shape, int ndims, const char *name,
                        char *err, size_t errlen);

/** Runs the network (cv::dnn::Net::forward) and keeps the outputs named in `names` (`count` entries), in that
 * order, until the next forward or destroy. `count` 0 (and `names` NULL) keeps the default outputs (see
 * mbdnn_net_output_count). */
int mbdnn_net_forward(mbdnn_net *net, const char *const *names, int count, char *err, size_t errlen);

/** The shape of kept output `index` (0-based, in the order asked of mbdnn_net_forward): writes `*ndims` and up
 * to MBDNN_MAX_DIMS entries into `shape`, and the element count into `*total` (either may be NULL). */
int mbdnn_net_output_shape(const mbdnn_net *net, int index, int *shape, int *ndims, size_t *total, char *err,
                           size_t errlen);

/** Copies kept output `index` as float32 into `dst`, which holds `capacity` floats (at least the output's
 * total). */
int mbdnn_net_output_copy(const mbdnn_net *net, int index, float *dst, size_t capacity, char *err, size_t errlen);

/** A read-only pointer to kept output `index` (contiguous float32, valid until the next forward or destroy). */
int mbdnn_net_output_data(const mbdnn_net *net, int index, const float **data, char *err, size_t errlen);

/* MARK: - Image helpers (bit-identical to cv2) */

/** cv::resize of an 8-bit interleaved image with `channels` (1...4) channels from `width`x`height` to
 * `dst_width`x`dst_height`, `interpolation` one of MBDNN_INTER_*. */
int mbdnn_resize(const uint8_t *src, int width, int height, int channels, size_t step, uint8_t *dst,
                 int dst_width, int dst_height, size_t dst_step, int interpolation, char *err, size_t errlen);

/** A classifier's input planes from an 8-bit image of `pixels` pixels, 3 channels interleaved (rows packed), through
 * per-channel tables of 256 floats: for c = 0, 1, 2 and every pixel i, dst[c * pixels + i] =
 * table[c * 256 + src[i * 3 + sources[c]]] (each `sources[c]` in 0...2). */
void mbdnn_planes_from_table(const uint8_t *src, size_t pixels, const int sources[3], const float *table,
                             float *dst);

/** cv::cvtColor of an 8-bit interleaved image; `code` one of MBDNN_COLOR_*. The destination has the
 * conversion's channel count. */
int mbdnn_cvt_color(const uint8_t *src, int width, int height, size_t step, uint8_t *dst, size_t dst_step,
                    int code, char *err, size_t errlen);

/** cv::dnn::blobFromImage(image, scale, (dst_width, dst_height), mean, swap_rb, crop, CV_32F) for an 8-bit
 * image with `channels` (1 or 3) channels: resize (bilinear), optional center crop, optional R/B swap,
 * `(x - mean) * scale`, written as a 1xCxHxW float32 blob into `dst` (`capacity` floats). `mean` has
 * `channels` entries (after the swap, as OpenCV applies it) or is NULL for zeros. A `dst_width`/`dst_height`
 * of 0 keeps the image size. */
int mbdnn_blob_from_image(const uint8_t *src, int width, int height, int channels, size_t step, double scale,
                          int dst_width, int dst_height, const double *mean, int swap_rb, int crop, float *dst,
                          size_t capacity, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
