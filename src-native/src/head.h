/*
 * The second layer and softmax, shared by every path: included (not linked) so each path's file
 * compiles them with its own instruction set.
 */
#ifndef DIGITFLOW_HEAD_H
#define DIGITFLOW_HEAD_H

#include <math.h>
#include "kernel.h"

static inline void df_head(const df_model *m, const float *restrict hidden, float *restrict out) {
    float logits[DF_CLASSES];
    for (int d = 0; d < DF_CLASSES; d++) {
        const float *restrict w = m->w2t[d];
        float sum = 0.0f;
        /* Ten independent dot products: the compiler vectorises each with partial sums. */
#pragma GCC ivdep
        for (int j = 0; j < DF_HIDDEN; j++) {
            sum += hidden[j] * w[j];
        }
        logits[d] = sum + m->b2[d];
    }
    float max = logits[0];
    for (int d = 1; d < DF_CLASSES; d++) {
        max = logits[d] > max ? logits[d] : max;
    }
    float total = 0.0f;
    for (int d = 0; d < DF_CLASSES; d++) {
        logits[d] = expf(logits[d] - max);
        total += logits[d];
    }
    float inverse = 1.0f / total;
    for (int d = 0; d < DF_CLASSES; d++) {
        out[d] = logits[d] * inverse;
    }
}

#endif
