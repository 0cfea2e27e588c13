package io.digitflow.inference;

import io.digitflow.model.Hyperparameters;
import io.digitflow.model.SeedNetwork;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The native path allocates nothing per batch: its buffers are made once per classifier. */
class NativeClassifierAllocationTest {

    @Test
    void classifyingABatchAllocatesNoHeap() {
        assumeTrue(NativeKernel.isAvailable(), "native kernel not loaded");
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM does not count allocation per thread");
        Random random = new Random(7);
        byte[][] images = new byte[512][784];
        for (byte[] image : images) {
            for (int p = 0; p < 200; p++) {
                image[random.nextInt(784)] = (byte) random.nextInt(256);
            }
        }
        float[] out = new float[512 * Classifier.CLASSES];
        DenseWeights weights = DenseWeights.of(SeedNetwork.build(Hyperparameters.defaults()));
        try (NativeClassifier kernel = new NativeClassifier(weights, NativeKernel.bestExactPath().orElseThrow(), "v", 128)) {
            for (int i = 0; i < 200; i++) { // let the JIT settle first
                kernel.classify(images, 1 + i % 512, out);
            }
            long id = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 1_000; i++) {
                kernel.classify(images, 1 + (i * 37) % 512, out);
            }
            long allocated = threads.getThreadAllocatedBytes(id) - before;
            // 1,000 batches of up to 512 images; a single boxed value or array per batch would show.
            assertThat(allocated).isLessThan(1_000L);
        }
    }
}
