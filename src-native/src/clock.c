/* Measures the core clock: a chain of dependent integer adds retires one per cycle on every
 * x86-64 core, so adds per second is cycles per second. */
#include <time.h>
#include "kernel.h"

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

double df_measure_ghz(void) {
    const long rounds = 200000000L;
    double best = 0.0;
    for (int attempt = 0; attempt < 5; attempt++) {
        long x = 0;
        double start = seconds();
        /* Ten adds per iteration so the loop's own compare and branch hide in the chain. */
        for (long i = 0; i < rounds / 10; i++) {
            __asm__ volatile(
                "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
                : "+r"(x));
        }
        double ghz = rounds / (seconds() - start) / 1e9;
        best = ghz > best ? ghz : best;
    }
    return best;
}
