#include "crc32_clmul.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

int trident_crc32_clmul_available(void) {
    static int available = -1;
    if (available < 0) available = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
    return available;
}

#define CLMUL __attribute__((target("pclmul,sse4.1")))

// x^n mod P(x) for the distances folded over (bit-reflected, as the CRC is): 512 + 64 and 512
// bits (four lanes ahead), 128 + 64 and 128 bits (one lane ahead), 64 bits (128 to 64 bits), and
// the polynomial with its Barrett constant floor(x^64 / P(x)).
static const uint64_t k1 = 0x154442bd4, k2 = 0x1c6e41596;
static const uint64_t k3 = 0x1751997d0, k4 = 0x0ccaa009e;
static const uint64_t k5 = 0x163cd6124;
static const uint64_t polynomial = 0x1db710641, barrett = 0x1f7011641;

CLMUL static inline __m128i fold(__m128i x, __m128i k) {
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

CLMUL static inline __m128i load(const uint8_t *p) { return _mm_loadu_si128((const __m128i *)p); }

CLMUL uint32_t trident_crc32_clmul(uint32_t crc, const uint8_t *p, size_t n) {
    const __m128i four = _mm_set_epi64x((long long)k2, (long long)k1);
    const __m128i one = _mm_set_epi64x((long long)k4, (long long)k3);
    const __m128i low32 = _mm_set_epi32(0, 0, 0, -1);
    __m128i x0 = _mm_xor_si128(load(p), _mm_cvtsi32_si128((int)crc));
    __m128i x1 = load(p + 16), x2 = load(p + 32), x3 = load(p + 48);
    p += 64;
    n -= 64;
    while (n >= 64) {
        x0 = _mm_xor_si128(fold(x0, four), load(p));
        x1 = _mm_xor_si128(fold(x1, four), load(p + 16));
        x2 = _mm_xor_si128(fold(x2, four), load(p + 32));
        x3 = _mm_xor_si128(fold(x3, four), load(p + 48));
        p += 64;
        n -= 64;
    }
    x0 = _mm_xor_si128(fold(x0, one), x1);
    x0 = _mm_xor_si128(fold(x0, one), x2);
    x0 = _mm_xor_si128(fold(x0, one), x3);
    while (n >= 16) {
        x0 = _mm_xor_si128(fold(x0, one), load(p));
        p += 16;
        n -= 16;
    }
    // 128 bits to 96, then to 64.
    __m128i t = _mm_clmulepi64_si128(x0, one, 0x10);
    x0 = _mm_xor_si128(_mm_srli_si128(x0, 8), t);
    t = _mm_srli_si128(x0, 4);
    x0 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x0, low32), _mm_set_epi64x(0, (long long)k5), 0x00), t);
    // Barrett reduction to the 32-bit remainder.
    const __m128i reduce = _mm_set_epi64x((long long)barrett, (long long)polynomial);
    t = _mm_clmulepi64_si128(_mm_and_si128(x0, low32), reduce, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), reduce, 0x00);
    return (uint32_t)_mm_extract_epi32(_mm_xor_si128(x0, t), 1);
}

#else

int trident_crc32_clmul_available(void) { return 0; }
uint32_t trident_crc32_clmul(uint32_t crc, const uint8_t *bytes, size_t length) {
    (void)bytes;
    (void)length;
    return crc;
}

#endif
