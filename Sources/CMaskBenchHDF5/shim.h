#ifndef CMASKBENCH_HDF5_SHIM_H
#define CMASKBENCH_HDF5_SHIM_H
#include <hdf5.h>
#endif
