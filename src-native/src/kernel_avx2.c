/* AVX2 + FMA, fp32: inked pixels listed once, then 64 neurons (8 registers) at a time. */
#include <immintrin.h>
#include "kernel.h"
#include "head.h"

static int ink_list(const uint8_t *img, uint16_t *index, float *value) {
    int count = 0;
    const __m256i zero = _mm256_setzero_si256();
    for (int c = 0; c < DF_PIXELS; c += 32) {
        uint32_t ink;
        if (c + 32 <= DF_PIXELS) {
            __m256i v = _mm256_loadu_si256((const __m256i *) (img + c));
            ink = ~(uint32_t) _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, zero));
        } else {
            __m128i v = _mm_loadu_si128((const __m128i *) (img + c));
            ink = ~(uint32_t) _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) & 0xFFFFu;
        }
        while (ink) {
            int p = c + __builtin_ctz(ink);
            ink &= ink - 1;
            index[count] = (uint16_t) p;
            value[count] = img[p];
            count++;
        }
    }
    return count;
}

static void layer1(const df_model *m, const uint8_t *img, float *hidden) {
    uint16_t index[DF_PIXELS];
    float value[DF_PIXELS];
    const int count = ink_list(img, index, value);
    const float *w1 = m->w1;
    for (int block = 0; block < DF_HIDDEN; block += 64) {
        __m256 acc[8];
#pragma GCC unroll 8
        for (int k = 0; k < 8; k++) acc[k] = _mm256_loadu_ps(m->b1 + block + 8 * k);
        for (int i = 0; i < count; i++) {
            const __m256 v = _mm256_set1_ps(value[i]);
            const float *row = w1 + (size_t) index[i] * DF_HIDDEN + block;
#pragma GCC unroll 8
            for (int k = 0; k < 8; k++) acc[k] = _mm256_fmadd_ps(v, _mm256_load_ps(row + 8 * k), acc[k]);
        }
#pragma GCC unroll 8
        for (int k = 0; k < 8; k++) {
            _mm256_store_ps(hidden + block + 8 * k, _mm256_max_ps(acc[k], _mm256_setzero_ps()));
        }
    }
}

void df_classify_avx2(const df_model *m, const uint8_t *images, int n, float *out) {
    float hidden[DF_HIDDEN] __attribute__((aligned(64)));
    for (int i = 0; i < n; i++) {
        layer1(m, images + (size_t) i * DF_PIXELS, hidden);
        df_head(m, hidden, out + (size_t) i * DF_CLASSES);
    }
}
