// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <cstddef>
#include <cstdint>

// One fuzzing input: bytes through the line framer (cut where the input says) and every line
// through both frame decoders, the plain-text face (read as a typed line, rendered without
// controls) and a re-encoding round trip. Aborts on any broken invariant; returns 0 otherwise.
int fuzzFrames(const std::uint8_t *data, std::size_t size);
