/* libFuzzer target for the folded loader (fuzz-formats.h). */
#define FUZZ_FORMAT ST_TF_FOLDED
#include "fuzz-formats.h"
