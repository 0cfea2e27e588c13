/*
 * digitflow's fused MNIST kernel: Dense 784->512 + ReLU, Dense 512->10, softmax, on u8 pixels.
 *
 * Every path skips zero input: MNIST digits are ~80 % background, so the first layer (99 % of the
 * work) accumulates only the weight rows of inked pixels (or of pixel groups holding ink, for the
 * paths whose instructions take 2 or 4 inputs at once). The /255 of the Keras preprocessing is
 * folded into the packed first-layer weights.
 */
#ifndef DIGITFLOW_KERNEL_H
#define DIGITFLOW_KERNEL_H

#include <stdint.h>
#include <stddef.h>

#define DF_PIXELS 784
#define DF_HIDDEN 512
#define DF_CLASSES 10
#define DF_ABI_VERSION 1

/* Paths, in the order of the Java enum io.digitflow.inference.KernelPath. */
enum df_path {
    DF_PLAIN = 0,       /* portable C, fp32 */
    DF_AVX2 = 1,        /* AVX2 + FMA, fp32 */
    DF_AVX512 = 2,      /* AVX-512F, fp32 */
    DF_AVX512_BF16 = 3, /* AVX-512 BF16: bf16 weights, pixel pairs, fp32 accumulation */
    DF_AVX512_VNNI = 4, /* AVX-512 VNNI: int8 weights with per-neuron scales, pixel quads, int32 accumulation */
    DF_PATH_COUNT = 5
};

typedef struct df_model {
    int path;
    /* First layer, packed for the path: fp32 [784][512] (/255 folded in), bf16 [392][512][2],
     * or int8 [196][512][4]. */
    void *w1;
    float b1[DF_HIDDEN];
    /* int8 path: per-neuron dequantisation factor (scale / 255). */
    float w1_scale[DF_HIDDEN];
    /* Second layer transposed, [10][512], for the portable head. */
    float w2t[DF_CLASSES][DF_HIDDEN] __attribute__((aligned(64)));
    float b2[DF_CLASSES];
    /* Second layer as rows of 16 lanes, [512][16] (lanes 10-15 zero), for the AVX-512 head. */
    float w2p[DF_HIDDEN][16] __attribute__((aligned(64)));
    /* Biases in 16 lanes; lanes 10-15 hold -inf so they vanish in the softmax. */
    float b2p[16] __attribute__((aligned(64)));
} df_model;

/* Bit i set when path i can run on this CPU. */
int df_available_paths(void);

/* Packs weights (row-major w1[784][512], b1[512], w2[512][10], b2[10]) for a path; NULL on failure. */
df_model *df_pack(const float *w1, const float *b1, const float *w2, const float *b2, int path);
void df_free(df_model *model);

/* Classifies n images (n * 784 bytes) into n * 10 probabilities. */
void df_classify(const df_model *model, const uint8_t *images, int n, float *out);

/* The paths with their own instruction sets, one file each (plain C lives in kernel.c). */
void df_classify_avx2(const df_model *m, const uint8_t *images, int n, float *out);
void df_classify_avx512(const df_model *m, const uint8_t *images, int n, float *out);
void df_classify_avx512_bf16(const df_model *m, const uint8_t *images, int n, float *out);
void df_classify_avx512_vnni(const df_model *m, const uint8_t *images, int n, float *out);

/* Core clock in GHz, from a chain of dependent adds (one per cycle on every x86 core). */
double df_measure_ghz(void);

#endif
