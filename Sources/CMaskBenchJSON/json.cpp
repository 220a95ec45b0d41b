#include "CMaskBenchJSON.h"
