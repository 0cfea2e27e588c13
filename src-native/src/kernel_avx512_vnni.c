/* AVX-512 VNNI: vpdpbusd multiplies four u8 pixels by four int8 weights per neuron and adds into
 * int32, so pixels are used as they arrive; a per-neuron scale turns the sums back into floats. */
#include <immintrin.h>
#include <string.h>
#include "kernel.h"
#include "head512.h"

static void layer1(const df_model *m, const uint8_t *img, float *hidden) {
    /* Ink bitmask over pixel quads: 196 quads = 12 chunks of 16 + 4. */
    uint16_t masks[13];
    for (int c = 0; c < 12; c++) {
        __m512i v = _mm512_loadu_si512(img + 64 * c);
        masks[c] = _mm512_test_epi32_mask(v, v);
    }
    __m128i tail = _mm_loadu_si128((const __m128i *) (img + 768));
    masks[12] = _mm_test_epi32_mask(tail, tail);
    const int8_t *w1 = m->w1;
    for (int half = 0; half < DF_HIDDEN; half += 256) {
        __m512i acc[16];
#pragma GCC unroll 16
        for (int k = 0; k < 16; k++) acc[k] = _mm512_setzero_si512();
        for (int c = 0; c < 13; c++) {
            uint32_t ink = masks[c];
            while (ink) {
                const int quad = 16 * c + __builtin_ctz(ink);
                ink &= ink - 1;
                int32_t x;
                memcpy(&x, img + 4 * quad, sizeof x);
                const __m512i v = _mm512_set1_epi32(x);
                const int8_t *row = w1 + ((size_t) half / 256 * (DF_PIXELS / 4) + quad) * 256 * 4;
#pragma GCC unroll 16
                for (int k = 0; k < 16; k++) {
                    acc[k] = _mm512_dpbusd_epi32(acc[k], v, _mm512_load_si512(row + 64 * k));
                }
            }
        }
#pragma GCC unroll 16
        for (int k = 0; k < 16; k++) {
            const int j = half + 16 * k;
            __m512 h = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[k]), _mm512_loadu_ps(m->w1_scale + j),
                    _mm512_loadu_ps(m->b1 + j));
            _mm512_store_ps(hidden + j, _mm512_max_ps(h, _mm512_setzero_ps()));
        }
    }
}

void df_classify_avx512_vnni(const df_model *m, const uint8_t *images, int n, float *out) {
    float hidden[DF_HIDDEN] __attribute__((aligned(64)));
    for (int i = 0; i < n; i++) {
        layer1(m, images + (size_t) i * DF_PIXELS, hidden);
        df_head512(m, hidden, out + (size_t) i * DF_CLASSES);
    }
}
