#ifndef CLUSTERD_COPENBLAS_SHIM_H
#define CLUSTERD_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
