/* Declarations only: libFuzzer itself comes from compiler-rt (-sanitize=fuzzer). */
#include "CFuzzerDriver.h"
