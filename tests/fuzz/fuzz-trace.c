/* libFuzzer target for the trace loader (fuzz-formats.h). */
#define FUZZ_FORMAT ST_TF_TRACE
#include "fuzz-formats.h"
