/*
 * The AVX-512 second layer and softmax: ReLU leaves about half the hidden units at zero, so only
 * the others' weight rows (16 lanes, 10 used) are accumulated; exp is a vector polynomial.
 */
#ifndef DIGITFLOW_HEAD512_H
#define DIGITFLOW_HEAD512_H

#include <immintrin.h>
#include "kernel.h"

/* e^x for x <= 0, Cephes' single-precision polynomial (relative error ~1e-7). */
static inline __m512 df_exp512(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-87.0f));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
            _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

static inline void df_head512(const df_model *m, const float *hidden, float *out) {
    int active[DF_HIDDEN + 16];
    int count = 0;
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (int j = 0; j < DF_HIDDEN; j += 16) {
        const __mmask16 on = _mm512_cmp_ps_mask(_mm512_load_ps(hidden + j), _mm512_setzero_ps(), _CMP_GT_OQ);
        /* Register-form compress: the memory form is microcoded and slow on some cores. */
        _mm512_storeu_si512(active + count,
                _mm512_maskz_compress_epi32(on, _mm512_add_epi32(lanes, _mm512_set1_epi32(j))));
        count += __builtin_popcount(on);
    }
    __m512 acc[4] = {_mm512_load_ps(m->b2p), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    int i = 0;
    for (; i + 4 <= count; i += 4) {
#pragma GCC unroll 4
        for (int k = 0; k < 4; k++) {
            const int j = active[i + k];
            acc[k] = _mm512_fmadd_ps(_mm512_set1_ps(hidden[j]), _mm512_load_ps(m->w2p[j]), acc[k]);
        }
    }
    for (; i < count; i++) {
        const int j = active[i];
        acc[0] = _mm512_fmadd_ps(_mm512_set1_ps(hidden[j]), _mm512_load_ps(m->w2p[j]), acc[0]);
    }
    const __m512 logits = _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3]));
    const __mmask16 classes = (1 << DF_CLASSES) - 1;
    const float max = _mm512_mask_reduce_max_ps(classes, logits);
    const __m512 e = _mm512_maskz_mov_ps(classes, df_exp512(_mm512_sub_ps(logits, _mm512_set1_ps(max))));
    const float total = _mm512_reduce_add_ps(e);
    _mm512_mask_storeu_ps(out, classes, _mm512_mul_ps(e, _mm512_set1_ps(1.0f / total)));
}

#endif
