#include "CMaskBenchDNN.h"

#include <opencv2/core.hpp>

extern "C" const char *mbdnn_opencv_version(void) { return CV_VERSION; }
