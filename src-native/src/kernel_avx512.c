/* AVX-512F, fp32: 256 neurons (16 registers) at a time, walking the ink bitmask directly. */
#include <immintrin.h>
#include "kernel.h"
#include "head512.h"

#define CHUNKS 13 /* 784 = 12 * 64 + 16 */

static void ink_masks(const uint8_t *img, uint64_t *masks) {
    for (int c = 0; c < 12; c++) {
        __m512i v = _mm512_loadu_si512(img + 64 * c);
        masks[c] = _mm512_test_epi8_mask(v, v);
    }
    __m128i tail = _mm_loadu_si128((const __m128i *) (img + 768));
    masks[12] = _mm_test_epi8_mask(tail, tail);
}

static void layer1(const df_model *m, const uint8_t *img, float *hidden) {
    uint64_t masks[CHUNKS];
    ink_masks(img, masks);
    const float *w1 = m->w1;
    for (int half = 0; half < DF_HIDDEN; half += 256) {
        __m512 acc[16];
#pragma GCC unroll 16
        for (int k = 0; k < 16; k++) acc[k] = _mm512_loadu_ps(m->b1 + half + 16 * k);
        for (int c = 0; c < CHUNKS; c++) {
            uint64_t ink = masks[c];
            while (ink) {
                const int p = 64 * c + __builtin_ctzll(ink);
                ink &= ink - 1;
                const __m512 v = _mm512_set1_ps((float) img[p]);
                const float *row = w1 + ((size_t) half / 256 * DF_PIXELS + p) * 256;
#pragma GCC unroll 16
                for (int k = 0; k < 16; k++) acc[k] = _mm512_fmadd_ps(v, _mm512_load_ps(row + 16 * k), acc[k]);
            }
        }
#pragma GCC unroll 16
        for (int k = 0; k < 16; k++) {
            _mm512_store_ps(hidden + half + 16 * k, _mm512_max_ps(acc[k], _mm512_setzero_ps()));
        }
    }
}

void df_classify_avx512(const df_model *m, const uint8_t *images, int n, float *out) {
    float hidden[DF_HIDDEN] __attribute__((aligned(64)));
    for (int i = 0; i < n; i++) {
        layer1(m, images + (size_t) i * DF_PIXELS, hidden);
        df_head512(m, hidden, out + (size_t) i * DF_CLASSES);
    }
}
