package io.digitflow.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MnistAugmenterTest {

    /** A 12x16 block of ink in the middle of 28x28. */
    private static byte[] block() {
        byte[] image = new byte[MnistSplit.PIXELS];
        for (int y = 6; y < 22; y++) {
            for (int x = 8; x < 20; x++) {
                image[y * 28 + x] = (byte) 255;
            }
        }
        return image;
    }

    @Test
    void keepsLabelsAndCountAndIsTheSameForTheSameSeed() {
        byte[] images = new byte[3 * MnistSplit.PIXELS];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(block(), 0, images, i * MnistSplit.PIXELS, MnistSplit.PIXELS);
        }
        MnistSplit split = new MnistSplit(images, new byte[] {1, 2, 3}, 3);
        MnistSplit a = MnistAugmenter.augment(split, 7);
        assertThat(a.labels()).containsExactly(1, 2, 3);
        assertThat(a.images()).isEqualTo(MnistAugmenter.augment(split, 7).images());
        assertThat(a.images()).isNotEqualTo(split.images());
        assertThat(split.image(0)).as("the original is untouched").isEqualTo(block());
    }

    @Test
    void movesAndResizesTheInkWithinBounds() {
        Random random = new Random(3);
        for (int n = 0; n < 200; n++) {
            byte[] out = MnistAugmenter.augmentOne(block(), random);
            double mass = 0;
            double sumX = 0;
            int inkPixels = 0;
            for (int i = 0; i < out.length; i++) {
                int v = out[i] & 0xFF;
                mass += v;
                sumX += v * (i % 28);
                inkPixels += v > 127 ? 1 : 0;
            }
            assertThat(sumX / mass).as("centre moved at most the shift and scale allow").isBetween(13.5 - 2.6, 13.5 + 2.6);
            assertThat(inkPixels).as("12x16 = 192 pixels, scaled 0.85-1.15 and thinned or thickened")
                    .isBetween(100, 330);
        }
    }
}
