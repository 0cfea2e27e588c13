package io.digitflow.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitflow.data.MnistSplit;
import io.digitflow.inference.Classifier;
import io.digitflow.inference.Engines;
import io.digitflow.model.ModelArtifact;
import io.digitflow.support.PhotoDigits;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The picture benchmark: 1,000 MNIST test digits rendered as photo-like pictures ({@link PhotoDigits}, fixed seed),
 * half PNG and half JPEG, classified through the picture path by the test model, next to the same digits sent raw.
 * Prints accuracy per condition; the picture path must stay within 1.5 points of raw for PNG and for JPEG.
 * {@code -Dpicture.benchmark.model=DIR} measures another model (a folder {@code train} wrote) instead.
 */
class PictureBenchmarkTest {

    private static final int DIGITS = 1000;
    private static final long SEED = 16;
    private static final double MAX_GAP_POINTS = 1.5;
    private static final String MODEL_PROPERTY = "picture.benchmark.model";

    @Test
    void picturesAreClassifiedNearlyAsWellAsTheSameDigitsSentRaw() throws Exception {
        TestMnist.folderOrSkip(); // the picture benchmark runs on the real test digits only
        MnistSplit test = TestMnist.get().test();
        String modelFolder = System.getProperty(MODEL_PROPERTY, "");
        ModelArtifact model = ModelArtifact.load(modelFolder.isBlank() ? TestModels.ensure() : Path.of(modelFolder));
        ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULTS);
        PhotoDigits photos = new PhotoDigits(SEED);

        // Every 10th test digit, so all writers and digits are spread through the sample.
        int step = test.count() / DIGITS;
        byte[][] raw = new byte[DIGITS][];
        byte[][] prepared = new byte[DIGITS][];
        PhotoDigits.Condition[] conditions = new PhotoDigits.Condition[DIGITS];
        int[] labels = new int[DIGITS];
        int refused = 0;
        long decodeNanos = 0;
        for (int i = 0; i < DIGITS; i++) {
            int index = i * step;
            raw[i] = test.image(index);
            labels[i] = test.label(index);
            PhotoDigits.Photo photo = photos.render(raw[i], i % 2 == 1);
            conditions[i] = photo.condition();
            long start = System.nanoTime();
            try {
                prepared[i] = decoder.decode(photo.bytes(), null).pixels();
            } catch (InvalidInputException e) {
                refused++;
                prepared[i] = new byte[DecodedImage.PIXELS]; // counted wrong below
            }
            decodeNanos += System.nanoTime() - start;
        }
        int[] rawPredicted;
        int[] picturePredicted;
        try (Classifier classifier = Engines.create(model.network(), model.version(), DIGITS, Engines.Choice.nd4j())) {
            rawPredicted = classify(classifier, raw);
            picturePredicted = classify(classifier, prepared);
        }

        List<Function<PhotoDigits.Condition, String>> groupings = List.of(PhotoDigits.Condition::format,
                PhotoDigits.Condition::qualityBand, PhotoDigits.Condition::noiseBand, PhotoDigits.Condition::scaleBand,
                PhotoDigits.Condition::rotationBand, PhotoDigits.Condition::polarity,
                c -> c.colourInk() ? "colour ink" : "black/white ink", c -> "all");
        System.out.printf(Locale.ROOT, "Picture benchmark: %d MNIST test digits, seed %d, model %s; %d refused; "
                + "%.2f ms per picture to decode and prepare%n", DIGITS, SEED, model.version(), refused,
                decodeNanos / 1e6 / DIGITS);
        System.out.printf(Locale.ROOT, "%-18s %6s %9s %9s %7s%n", "condition", "count", "pictures", "raw", "gap");
        Map<String, double[]> gaps = new TreeMap<>();
        for (Function<PhotoDigits.Condition, String> grouping : groupings) {
            Map<String, int[]> tally = new TreeMap<>();
            for (int i = 0; i < DIGITS; i++) {
                int[] t = tally.computeIfAbsent(grouping.apply(conditions[i]), k -> new int[3]);
                t[0]++;
                t[1] += picturePredicted[i] == labels[i] ? 1 : 0;
                t[2] += rawPredicted[i] == labels[i] ? 1 : 0;
            }
            for (Map.Entry<String, int[]> e : tally.entrySet()) {
                int[] t = e.getValue();
                double pictures = (double) t[1] / t[0];
                double rawAccuracy = (double) t[2] / t[0];
                System.out.printf(Locale.ROOT, "%-18s %6d %9.3f %9.3f %7.2f%n", e.getKey(), t[0], pictures, rawAccuracy,
                        100 * (rawAccuracy - pictures));
                gaps.put(e.getKey(), new double[] {100 * (rawAccuracy - pictures)});
            }
        }
        List<String> mistakes = new ArrayList<>();
        for (int i = 0; i < DIGITS && mistakes.size() < 15; i++) {
            if (picturePredicted[i] != labels[i] && rawPredicted[i] == labels[i]) {
                mistakes.add(String.format(Locale.ROOT, "  #%d label %d read %d: %s", i * step, labels[i],
                        picturePredicted[i], conditions[i]));
            }
        }
        System.out.println("Some pictures read wrong whose raw digit was read right:");
        mistakes.forEach(System.out::println);

        assertThat(gaps.get("PNG")[0]).as("PNG accuracy gap to raw, in points").isLessThanOrEqualTo(MAX_GAP_POINTS);
        assertThat(gaps.get("JPEG")[0]).as("JPEG accuracy gap to raw, in points").isLessThanOrEqualTo(MAX_GAP_POINTS);
    }

    /** The digit the classifier reads in each image. */
    static int[] classify(Classifier classifier, byte[][] images) {
        float[] out = new float[images.length * Classifier.CLASSES];
        classifier.classify(images, images.length, out);
        int[] predicted = new int[images.length];
        for (int i = 0; i < images.length; i++) {
            predicted[i] = Classifier.argmax(out, i);
        }
        return predicted;
    }
}
