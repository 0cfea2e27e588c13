/* JNI binding for io.digitflow.inference.NativeKernel. Arguments are checked on the Java side. */
#include <jni.h>
#include "kernel.h"
#include "io_digitflow_inference_NativeKernel.h"

JNIEXPORT jint JNICALL Java_io_digitflow_inference_NativeKernel_nativeAbiVersion(JNIEnv *env, jclass cls) {
    (void) env; (void) cls;
    return DF_ABI_VERSION;
}

JNIEXPORT jint JNICALL Java_io_digitflow_inference_NativeKernel_nativeAvailablePaths(JNIEnv *env, jclass cls) {
    (void) env; (void) cls;
    return df_available_paths();
}

JNIEXPORT jdouble JNICALL Java_io_digitflow_inference_NativeKernel_nativeMeasureGhz(JNIEnv *env, jclass cls) {
    (void) env; (void) cls;
    return df_measure_ghz();
}

JNIEXPORT jlong JNICALL Java_io_digitflow_inference_NativeKernel_pack(JNIEnv *env, jclass cls,
        jfloatArray w1, jfloatArray b1, jfloatArray w2, jfloatArray b2, jint path) {
    (void) cls;
    /* Copies are fine here: this runs once per model. */
    jfloat *cw1 = (*env)->GetFloatArrayElements(env, w1, NULL);
    jfloat *cb1 = (*env)->GetFloatArrayElements(env, b1, NULL);
    jfloat *cw2 = (*env)->GetFloatArrayElements(env, w2, NULL);
    jfloat *cb2 = (*env)->GetFloatArrayElements(env, b2, NULL);
    df_model *model = NULL;
    if (cw1 != NULL && cb1 != NULL && cw2 != NULL && cb2 != NULL) {
        model = df_pack(cw1, cb1, cw2, cb2, path);
    }
    if (cw1 != NULL) (*env)->ReleaseFloatArrayElements(env, w1, cw1, JNI_ABORT);
    if (cb1 != NULL) (*env)->ReleaseFloatArrayElements(env, b1, cb1, JNI_ABORT);
    if (cw2 != NULL) (*env)->ReleaseFloatArrayElements(env, w2, cw2, JNI_ABORT);
    if (cb2 != NULL) (*env)->ReleaseFloatArrayElements(env, b2, cb2, JNI_ABORT);
    return (jlong) (intptr_t) model;
}

JNIEXPORT void JNICALL Java_io_digitflow_inference_NativeKernel_classify(JNIEnv *env, jclass cls,
        jlong model, jobject images, jint count, jobject out) {
    (void) cls;
    /* Direct buffers: no copy and no pinning, so the call costs the same for any batch size. */
    const uint8_t *in = (*env)->GetDirectBufferAddress(env, images);
    float *probabilities = (*env)->GetDirectBufferAddress(env, out);
    df_classify((const df_model *) (intptr_t) model, in, count, probabilities);
}

JNIEXPORT void JNICALL Java_io_digitflow_inference_NativeKernel_free(JNIEnv *env, jclass cls, jlong model) {
    (void) env; (void) cls;
    df_free((df_model *) (intptr_t) model);
}
