// CRC-32 (IEEE 802.3, reflected) by carry-less multiplication: 64 bytes folded per step with
// PCLMULQDQ, then Barrett reduction. C, because Swift has no way to name the instruction.
#ifndef TRIDENT_CRC32_CLMUL_H
#define TRIDENT_CRC32_CLMUL_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has PCLMULQDQ and SSE4.1 (checked once).
int trident_crc32_clmul_available(void);

/// Advances the CRC register `crc` (not inverted: start from 0xFFFFFFFF, invert at the end) over
/// `length` bytes, which must be at least 64 and a multiple of 16. Only when available.
uint32_t trident_crc32_clmul(uint32_t crc, const uint8_t *bytes, size_t length);

#endif
