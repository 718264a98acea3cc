/* libFuzzer target for the llvmpasses loader (fuzz-formats.h). */
#define FUZZ_FORMAT ST_TF_LLVMPASSES
#include "fuzz-formats.h"
