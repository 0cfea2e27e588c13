/* Dispatch, weight packing and the portable C path. */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "kernel.h"
#include "head.h"

/* The AVX-512 paths work on 256 neurons (16 registers) per pass over the ink. */
#define HALF 256

int df_available_paths(void) {
    __builtin_cpu_init();
    int paths = 1 << DF_PLAIN;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        paths |= 1 << DF_AVX2;
    }
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vl")) {
        paths |= 1 << DF_AVX512;
        if (__builtin_cpu_supports("avx512bf16")) {
            paths |= 1 << DF_AVX512_BF16;
        }
        if (__builtin_cpu_supports("avx512vnni")) {
            paths |= 1 << DF_AVX512_VNNI;
        }
    }
    return paths;
}

/* Round to nearest even, as the hardware's own conversion does. */
static uint16_t to_bf16(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    uint32_t rounding = 0x7FFF + ((bits >> 16) & 1);
    return (uint16_t) ((bits + rounding) >> 16);
}

static int pack_w1(df_model *m, const float *w1) {
    const size_t count = (size_t) DF_PIXELS * DF_HIDDEN;
    switch (m->path) {
    case DF_PLAIN:
    case DF_AVX2: {
        float *packed = aligned_alloc(64, count * sizeof(float));
        if (packed == NULL) return 0;
        for (size_t i = 0; i < count; i++) {
            packed[i] = w1[i] / 255.0f;
        }
        m->w1 = packed;
        return 1;
    }
    case DF_AVX512: {
        /* [half][pixel][256]: one pass over the ink reads one half, so neighbouring inked pixels
         * read neighbouring memory and the hardware prefetcher keeps up. */
        float *packed = aligned_alloc(64, count * sizeof(float));
        if (packed == NULL) return 0;
        for (int p = 0; p < DF_PIXELS; p++) {
            for (int j = 0; j < DF_HIDDEN; j++) {
                packed[((size_t) (j / HALF) * DF_PIXELS + p) * HALF + j % HALF] = w1[(size_t) p * DF_HIDDEN + j] / 255.0f;
            }
        }
        m->w1 = packed;
        return 1;
    }
    case DF_AVX512_BF16: {
        /* [half][pair][neuron][2]: one 32-bit lane holds a neuron's weights for two adjacent pixels. */
        uint16_t *packed = aligned_alloc(64, count * sizeof(uint16_t));
        if (packed == NULL) return 0;
        for (int pair = 0; pair < DF_PIXELS / 2; pair++) {
            for (int j = 0; j < DF_HIDDEN; j++) {
                for (int k = 0; k < 2; k++) {
                    float w = w1[(size_t) (2 * pair + k) * DF_HIDDEN + j] / 255.0f;
                    packed[(((size_t) (j / HALF) * (DF_PIXELS / 2) + pair) * HALF + j % HALF) * 2 + k] = to_bf16(w);
                }
            }
        }
        m->w1 = packed;
        return 1;
    }
    case DF_AVX512_VNNI: {
        /* [half][quad][neuron][4] signed bytes, symmetric per-neuron scale. */
        int8_t *packed = aligned_alloc(64, count);
        if (packed == NULL) return 0;
        for (int j = 0; j < DF_HIDDEN; j++) {
            float largest = 0.0f;
            for (int p = 0; p < DF_PIXELS; p++) {
                float a = fabsf(w1[(size_t) p * DF_HIDDEN + j]);
                largest = a > largest ? a : largest;
            }
            float scale = largest > 0.0f ? largest / 127.0f : 1.0f;
            m->w1_scale[j] = scale / 255.0f;
            for (int p = 0; p < DF_PIXELS; p++) {
                float q = roundf(w1[(size_t) p * DF_HIDDEN + j] / scale);
                q = q > 127.0f ? 127.0f : (q < -127.0f ? -127.0f : q);
                packed[(((size_t) (j / HALF) * (DF_PIXELS / 4) + p / 4) * HALF + j % HALF) * 4 + p % 4] = (int8_t) q;
            }
        }
        m->w1 = packed;
        return 1;
    }
    default:
        return 0;
    }
}

df_model *df_pack(const float *w1, const float *b1, const float *w2, const float *b2, int path) {
    if (path < 0 || path >= DF_PATH_COUNT || !(df_available_paths() & (1 << path))) {
        return NULL;
    }
    df_model *m = aligned_alloc(64, (sizeof(df_model) + 63) / 64 * 64);
    if (m == NULL) return NULL;
    memset(m, 0, sizeof *m);
    m->path = path;
    memcpy(m->b1, b1, sizeof m->b1);
    memcpy(m->b2, b2, sizeof m->b2);
    for (int j = 0; j < DF_HIDDEN; j++) {
        for (int d = 0; d < DF_CLASSES; d++) {
            m->w2t[d][j] = w2[j * DF_CLASSES + d];
            m->w2p[j][d] = w2[j * DF_CLASSES + d];
        }
    }
    for (int d = 0; d < 16; d++) {
        m->b2p[d] = d < DF_CLASSES ? b2[d] : -INFINITY;
    }
    if (!pack_w1(m, w1)) {
        free(m);
        return NULL;
    }
    return m;
}

void df_free(df_model *model) {
    if (model != NULL) {
        free(model->w1);
        free(model);
    }
}

static void layer1_plain(const df_model *m, const uint8_t *img, float *hidden) {
    const float *w1 = m->w1;
    memcpy(hidden, m->b1, sizeof m->b1);
    for (int p = 0; p < DF_PIXELS; p++) {
        if (img[p] != 0) {
            const float v = img[p];
            const float *restrict row = w1 + (size_t) p * DF_HIDDEN;
            for (int j = 0; j < DF_HIDDEN; j++) {
                hidden[j] += v * row[j];
            }
        }
    }
    for (int j = 0; j < DF_HIDDEN; j++) {
        hidden[j] = hidden[j] > 0.0f ? hidden[j] : 0.0f;
    }
}

static void classify_plain(const df_model *m, const uint8_t *images, int n, float *out) {
    float hidden[DF_HIDDEN] __attribute__((aligned(64)));
    for (int i = 0; i < n; i++) {
        layer1_plain(m, images + (size_t) i * DF_PIXELS, hidden);
        df_head(m, hidden, out + (size_t) i * DF_CLASSES);
    }
}

void df_classify(const df_model *m, const uint8_t *images, int n, float *out) {
    switch (m->path) {
    case DF_AVX2: df_classify_avx2(m, images, n, out); break;
    case DF_AVX512: df_classify_avx512(m, images, n, out); break;
    case DF_AVX512_BF16: df_classify_avx512_bf16(m, images, n, out); break;
    case DF_AVX512_VNNI: df_classify_avx512_vnni(m, images, n, out); break;
    default: classify_plain(m, images, n, out); break;
    }
}
