package io.digitflow.inference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Batches run padded to the next power of two, so ND4J only ever sees a few shapes. */
class Nd4jClassifierBucketTest {

    @Test
    void aBatchIsPaddedToTheNextPowerOfTwo() {
        assertThat(Nd4jClassifier.bucket(1)).isEqualTo(1);
        assertThat(Nd4jClassifier.bucket(2)).isEqualTo(2);
        assertThat(Nd4jClassifier.bucket(3)).isEqualTo(4);
        assertThat(Nd4jClassifier.bucket(9)).isEqualTo(16);
        assertThat(Nd4jClassifier.bucket(256)).isEqualTo(256);
        assertThat(Nd4jClassifier.bucket(257)).isEqualTo(512);
        assertThat(Nd4jClassifier.bucket(1000)).isEqualTo(1024);
    }

    @Test
    void everySizeUpToTheMaximumLandsOnOneOfAFewShapes() {
        java.util.Set<Integer> shapes = new java.util.HashSet<>();
        for (int n = 1; n <= 512; n++) {
            int b = Nd4jClassifier.bucket(n);
            assertThat(b).isBetween(n, 2 * n);
            shapes.add(b);
        }
        assertThat(shapes).hasSize(10);
    }
}
