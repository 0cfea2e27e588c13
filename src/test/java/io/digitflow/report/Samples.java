package io.digitflow.report;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** Shared by the report tests: where sample pictures go, and measures of a picture. */
final class Samples {

    /** The tests leave their PNGs here so a person can look at them. */
    static final Path DIR = Path.of("target", "report-samples");

    private Samples() {
    }

    static Path png(String name) {
        return DIR.resolve(name);
    }

    static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return colours.size();
    }

    /** An MNIST-like result: the 10,000 test digits of a ~98.7% model, rows = true digit. */
    static int[][] mnistLikeConfusion() {
        return new int[][] {
            {975, 0, 1, 0, 0, 1, 1, 1, 1, 0},
            {0, 1130, 2, 1, 0, 0, 1, 1, 0, 0},
            {2, 1, 1018, 2, 1, 0, 0, 6, 2, 0},
            {0, 0, 1, 1000, 0, 4, 0, 2, 2, 1},
            {0, 0, 1, 0, 970, 0, 3, 0, 1, 7},
            {1, 0, 0, 5, 0, 881, 2, 1, 1, 1},
            {5, 2, 0, 0, 2, 3, 944, 0, 2, 0},
            {0, 3, 8, 1, 0, 0, 0, 1010, 1, 5},
            {3, 0, 2, 2, 1, 2, 1, 2, 958, 3},
            {1, 3, 0, 2, 8, 3, 0, 4, 2, 986},
        };
    }
}
