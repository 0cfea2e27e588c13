/* AVX-512 BF16: vdpbf16ps takes two adjacent pixels at once (both exact in bf16: integers 0-255). */
#include <immintrin.h>
#include <string.h>
#include "kernel.h"
#include "head512.h"

#define PAIRS (DF_PIXELS / 2)

/* bf16 of 0..255: the top half of the float's bits, exact for these integers. */
static uint32_t bf16_of(int value) {
    float f = (float) value;
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits >> 16;
}

static void layer1(const df_model *m, const uint8_t *img, float *hidden) {
    /* Ink bitmask over pixel pairs: 392 pairs = 12 chunks of 32 + 8. */
    uint32_t masks[13];
    for (int c = 0; c < 12; c++) {
        __m512i v = _mm512_loadu_si512(img + 64 * c);
        masks[c] = _mm512_test_epi16_mask(v, v);
    }
    __m128i tail = _mm_loadu_si128((const __m128i *) (img + 768));
    masks[12] = _mm_test_epi16_mask(tail, tail);
    const uint16_t *w1 = m->w1;
    for (int half = 0; half < DF_HIDDEN; half += 256) {
        __m512 acc[16];
#pragma GCC unroll 16
        for (int k = 0; k < 16; k++) acc[k] = _mm512_loadu_ps(m->b1 + half + 16 * k);
        for (int c = 0; c < 13; c++) {
            uint32_t ink = masks[c];
            while (ink) {
                const int pair = 32 * c + __builtin_ctz(ink);
                ink &= ink - 1;
                const uint32_t x = bf16_of(img[2 * pair]) | (bf16_of(img[2 * pair + 1]) << 16);
                const __m512bh v = (__m512bh) _mm512_set1_epi32((int) x);
                const uint16_t *row = w1 + ((size_t) half / 256 * (DF_PIXELS / 2) + pair) * 256 * 2;
#pragma GCC unroll 16
                for (int k = 0; k < 16; k++) {
                    acc[k] = _mm512_dpbf16_ps(acc[k], v, (__m512bh) _mm512_load_si512(row + 32 * k));
                }
            }
        }
#pragma GCC unroll 16
        for (int k = 0; k < 16; k++) {
            _mm512_store_ps(hidden + half + 16 * k, _mm512_max_ps(acc[k], _mm512_setzero_ps()));
        }
    }
}

void df_classify_avx512_bf16(const df_model *m, const uint8_t *images, int n, float *out) {
    float hidden[DF_HIDDEN] __attribute__((aligned(64)));
    for (int i = 0; i < n; i++) {
        layer1(m, images + (size_t) i * DF_PIXELS, hidden);
        df_head512(m, hidden, out + (size_t) i * DF_CLASSES);
    }
}
