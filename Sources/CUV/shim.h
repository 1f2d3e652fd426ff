#ifndef BARRAGE_CUV_SHIM_H
#define BARRAGE_CUV_SHIM_H
#include <uv.h>
#endif
