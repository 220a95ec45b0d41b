#ifndef CMASKBENCH_DNN_H
#define CMASKBENCH_DNN_H

/* A plain C API over OpenCV's DNN module (Debian libopencv-dnn-dev 4.6). Swift never sees C++: every
 * function catches cv::Exception and everything else, and reports failure as a nonzero return plus a
 * message written into the caller's buffer. */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The OpenCV version the shim was built against, as "4.6.0". */
const char *mbdnn_opencv_version(void);

#ifdef __cplusplus
}
#endif

#endif
