// SPDX-License-Identifier: BSD-3-Clause
#include "fuzzframes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return fuzzFrames(data, size);
}
