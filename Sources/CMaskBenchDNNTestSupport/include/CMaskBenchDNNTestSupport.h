#ifndef CMASKBENCH_DNN_TEST_SUPPORT_H
#define CMASKBENCH_DNN_TEST_SUPPORT_H

/* Checks of CMaskBenchDNN's own layers, for tests only (no production target depends on this one). Same
 * conventions as CMaskBenchDNN.h: MBDNN_OK or an MBDNN_ERR_* status, a message in `err`, no C++ exception
 * leaves this API. */

#include <stddef.h>

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

#ifdef __cplusplus
}
#endif

#endif
