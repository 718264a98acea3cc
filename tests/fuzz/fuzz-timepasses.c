/* libFuzzer target for the timepasses loader (fuzz-formats.h). */
#define FUZZ_FORMAT ST_TF_TIMEPASSES
#include "fuzz-formats.h"
