#ifndef CMASKBENCH_DNN_TEST_SUPPORT_H
#define CMASKBENCH_DNN_TEST_SUPPORT_H

/* Checks of CMaskBenchDNN's own layers, for tests only (no production target depends on this one). Same
 * conventions as CMaskBenchDNN.h: MBDNN_OK or an MBDNN_ERR_* status, a message in `err`, no C++ exception
 * leaves this API. */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Checks the Keras importer's depthwise convolution layer (CMaskBenchDNN/depthwise.cpp): builds it and OpenCV's
 * own grouped Convolution (with a Padding layer for asymmetric pads) over the same seeded random input and
 * weights, both followed by a BatchNorm with random statistics and, when `relu6`, a ReLU6 (which the layer
 * folds into itself), once for every variant of the layer this CPU runs (baseline, AVX2, AVX-512), and writes
 * the largest absolute difference of the outputs to `max_difference`, and to `fused_difference` the largest
 * between the AVX2 and AVX-512 variants (the same fused multiply-adds in the same order: 0 expected; 0 too on a
 * CPU without AVX-512). */
int mbdnn_test_depthwise_check(int channels, int height, int width, int kernel_h, int kernel_w, int stride_h,
                               int stride_w, int pad_top, int pad_bottom, int pad_left, int pad_right, int relu6,
                               unsigned seed, double *max_difference, double *fused_difference, char *err,
                               size_t errlen);

/** Checks the Keras importer's convolution layer (CMaskBenchDNN/convolution.cpp) the same way against OpenCV's
 * Convolution (one group, a Padding layer for asymmetric pads) with `in_channels` inputs and `out_channels`
 * outputs, and writes the largest absolute difference divided by the largest absolute output (at least 1). */
int mbdnn_test_convolution_check(int in_channels, int out_channels, int height, int width, int kernel_h,
                                 int kernel_w, int stride_h, int stride_w, int pad_top, int pad_bottom, int pad_left,
                                 int pad_right, int relu6, unsigned seed, double *max_difference, char *err,
                                 size_t errlen);

/** Checks res10's oneDNN convolution layer (CMaskBenchDNN/onednn_convolution.cpp) the same way against OpenCV's
 * Convolution with `groups` groups and `dilation` on both axes, followed by a BatchNorm when `batch_norm` and by
 * no activation (0), a ReLU (1) or a ReLU6 (2), and writes the largest absolute difference divided by the largest
 * absolute output (at least 1). */
int mbdnn_test_onednn_convolution_check(int in_channels, int out_channels, int groups, int height, int width,
                                        int kernel_h, int kernel_w, int stride_h, int stride_w, int pad_top,
                                        int pad_bottom, int pad_left, int pad_right, int dilation, int batch_norm,
                                        int activation, unsigned seed, double *max_difference, char *err,
                                        size_t errlen);

/** Checks convolution.cpp's block: a convolution (`in_channels` to `expanded`, `expand_kernel` square at
 * `expand_stride`, TensorFlow's 'same' padding: 1 and 1 for MobileNetV2's blocks, 3 and 2 for its first
 * convolution), BatchNorm, ReLU6, a `depthwise_kernel` square depthwise convolution (3 in MobileNetV2, 5 in later networks) at `stride` with
 * TensorFlow's 'same' padding, BatchNorm, ReLU6 and, when `out_channels` > 0, a 1x1
 * convolution and BatchNorm (MobileNetV2's inverted residual block without its addition), on seeded random weights
 * and 2 random images. Builds it three times: with CMaskBenchDNN's layers as the importer does (the first
 * convolution takes in the others), with the same layers kept apart, and with OpenCV's layers. Writes the largest
 * absolute difference between the first two in `block_difference` (0 when the block computes every output as the
 * layers apart do) and between the first and OpenCV's, divided by the largest absolute output (at least 1), in
 * `opencv_difference`. */
int mbdnn_test_block_check(int in_channels, int expanded, int out_channels, int height, int width,
                           int expand_kernel, int expand_stride, int depthwise_kernel, int stride, unsigned seed,
                           double *block_difference, double *opencv_difference, char *err, size_t errlen);

/** Checks that convolution.cpp's layers alive at once share packed weights only when their kernels are the same to
 * the bit: two networks with the same random kernel must give the same output (`same_shared` = 1), and a third with
 * that kernel's last weight one unit in the last place larger, built while they are alive, the output it gives
 * built alone, not theirs (`different_apart` = 1). */
int mbdnn_test_shared_weights_check(int *same_shared, int *different_apart, char *err, size_t errlen);

/** Checks a block whose first convolution is kept apart (mbdnn::keepConvolutionApart, as the Keras importer does for
 * a model with several outputs) when two of its layers' outputs are asked for, the depthwise convolution's and the
 * last: writes their largest difference from the same layers built apart (0 when each layer wrote its own). */
int mbdnn_test_block_outputs_check(double *max_difference, char *err, size_t errlen);

/** Checks res10's DetectionOutput layer (CMaskBenchDNN/detection_output.cpp) against OpenCV's DetectionOutput on
 * res10's own blobs: runs the network of `prototxt` and `caffemodel` (OpenCV's layers) on the BGR image (`width` x
 * `height`, rows packed) resized to 300 x 300 as the detector does, takes the DetectionOutput layer's three inputs,
 * and runs both layers on them with res10's parameters and each of the `count` confidence thresholds. Writes for
 * each threshold the rows OpenCV's layer filled to `rows` and 1 to `identical_outputs` when the two outputs have
 * the same shape and the same bits, else 0. */
int mbdnn_test_detection_output_res10_check(const char *prototxt, const char *caffemodel, const uint8_t *bgr,
                                            int width, int height, const float *thresholds, int count, int *rows,
                                            int *identical_outputs, char *err, size_t errlen);

/** The same check on seeded random inputs: `images` images of `priors` priors on a coarse grid of centres (so
 * that boxes overlap; one in 16 inverted, an empty box), normal locations, and scores taking `levels` + 1 values
 * (0, 1/levels, ..., 1: ties) or any value when `levels` is 0; res10's parameters with `top_k`, `keep_top_k`,
 * the threshold `confidence` and `nms`. */
int mbdnn_test_detection_output_synthetic_check(int images, int priors, int levels, int top_k, int keep_top_k,
                                                float confidence, float nms, unsigned seed, int *rows,
                                                int *identical_outputs, char *err, size_t errlen);

/** Builds res10's DetectionOutput layer with res10's parameters and `parameter` set to `value` (a list of numbers
 * when it holds a comma, a number when it reads as one, else a string): MBDNN_OK when the layer takes it, else an error naming what it refuses. */
int mbdnn_test_detection_output_refusal(const char *parameter, const char *value, char *err, size_t errlen);

/** Checks res10's Normalize layer (CMaskBenchDNN/normalize.cpp) against OpenCV's Normalize on res10's own blob:
 * runs the network (OpenCV's layers) on the image as mbdnn_test_detection_output_res10_check does, and both layers
 * on conv4_3_norm's input with its parameters and scales. Writes 1 to `identical_outputs` when the outputs have the
 * same shape and bits, else 0, and the largest difference in units in the last place of OpenCV's output to `ulps`. */
int mbdnn_test_normalize_res10_check(const char *prototxt, const char *caffemodel, const uint8_t *bgr, int width,
                                     int height, int *identical_outputs, double *ulps, char *err, size_t errlen);

/** The same check on a seeded random `images` x `channels` x `height` x `width` input, uniform in [-range, range],
 * with every 7th pixel zero in all channels and every other value clamped at 0 (as after a ReLU), and random
 * scales. */
int mbdnn_test_normalize_synthetic_check(int images, int channels, int height, int width, double range,
                                         unsigned seed, int *identical_outputs, double *ulps, char *err,
                                         size_t errlen);

/** Builds res10's Normalize layer with res10's parameters and `parameter` set to `value` (as
 * mbdnn_test_detection_output_refusal does): MBDNN_OK when the layer takes it, else an error naming it. */
int mbdnn_test_normalize_refusal(const char *parameter, const char *value, char *err, size_t errlen);

/** Checks the element-wise sum layer (CMaskBenchDNN/sum.cpp) against OpenCV's Eltwise sum: `inputs` seeded random
 * `images` x `channels` x `height` x `width` blobs, values of all magnitudes (so that the additions round), summed
 * by both layers. Writes 1 to `identical_outputs` when the outputs have the same shape and bits, else 0. */
int mbdnn_test_sum_check(int inputs, int images, int channels, int height, int width, unsigned seed,
                         int *identical_outputs, char *err, size_t errlen);

/** Builds the sum layer with `parameter` set to `value` (a list of numbers when it holds a comma, a number when it
 * reads as one, else a string): MBDNN_OK when the layer takes it, else an error naming what it refuses. With
 * `parameter` "inputs", runs it on two inputs of different shapes instead. */
int mbdnn_test_sum_refusal(const char *parameter, const char *value, char *err, size_t errlen);

/** Checks the max pooling layer (CMaskBenchDNN/pooling.cpp) against OpenCV's Pooling (MAX, `kernel` square at
 * `stride`, Caffe's ceil mode when `ceil_mode`) on a seeded random `images` x `channels` x `height` x `width` input
 * in [-1, 1], a quarter of it 0; when `blocked`, the layer reads the input in blocks of 16 channels (aBcd16b, as
 * res10's first convolution writes it when chained; `channels` a multiple of 16; on a CPU without AVX-512, where
 * the layer reads no blocks, NCHW). Writes 1 to `identical_outputs` when the outputs have the same shape and bits,
 * else 0. */
int mbdnn_test_max_pool_check(int images, int channels, int height, int width, int kernel, int stride, int ceil_mode,
                              int blocked, unsigned seed, int *identical_outputs, char *err, size_t errlen);

/** Builds the max pooling layer (kernel 3, stride 2) with `parameter` set to `value` (as
 * mbdnn_test_sum_refusal reads it): MBDNN_OK when the layer takes it, else an error naming what it refuses. */
int mbdnn_test_max_pool_refusal(const char *parameter, const char *value, char *err, size_t errlen);

/** Checks the average pooling layer (CMaskBenchDNN/pooling.cpp, the average over the whole image) against OpenCV's
 * AVE Pooling as the Keras importer configures it, global (`global`) or with a window that is the whole input, on a
 * seeded random `images` x `channels` x `height` x `width` input of magnitudes 1e-3 to 1e3. Writes 1 to
 * `identical_outputs` when the outputs have the same shape and bits, else 0. */
int mbdnn_test_average_pool_check(int images, int channels, int height, int width, int global, unsigned seed,
                                  int *identical_outputs, char *err, size_t errlen);

/** Checks res10's chained layouts (CMaskBenchDNN/onednn_convolution.cpp, mbdnn::chainOneDNNLayouts): builds res10
 * from `prototxt` and `caffemodel` twice as the detector does, runs both on the BGR image (`width` x `height`, rows
 * packed), its mirror image, the image and the mirror image again (one thread), chaining the first network's
 * layouts after its first forward. Writes 1 to `identical_outputs` when every forward gave the same bits in both
 * (every prior's locations and scores, and the detections), else 0; and how many convolutions the chaining made
 * write another layout than NCHW (NHWC, or blocks of 16 channels for a max pooling), read NHWC, and read a copy of
 * their input shared with other convolutions. */
int mbdnn_test_res10_layouts_check(const char *prototxt, const char *caffemodel, const uint8_t *bgr, int width,
                                   int height, int *identical_outputs, int *nhwc_outputs, int *nhwc_inputs,
                                   int *shared_readers, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
