package io.digitflow.cli;

import io.digitflow.UserException;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.data.MnistSplit;
import io.digitflow.inference.Classifier;
import io.digitflow.inference.Nd4jClassifier;
import io.digitflow.input.DecodeLimits;
import io.digitflow.input.ImageDecoder;
import io.digitflow.input.InvalidInputException;
import io.digitflow.model.ModelArtifact;
import io.digitflow.report.AsciiDigit;
import io.digitflow.report.ProbabilityBars;
import jakarta.inject.Inject;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code digitflow predict}: classifies one image and shows it, its digit and the ten probabilities. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify one image: a PNG or JPEG picture of any size (prepared the way MNIST was), "
                + "a raw 784-byte file (28x28, 0 = background, 255 = ink), a JSON pixel file, or a digit of the "
                + "MNIST test set. Prints the digit as the model sees it, the predicted digit and the ten "
                + "probabilities."})
public class PredictCommand implements Callable<Integer> {

    static final class Source {
        @Parameters(paramLabel = "FILE", description = "A PNG, JPEG, raw 784-byte or JSON image file.")
        Path file;

        @Option(names = "--mnist-test", paramLabel = "N", description = "Image N (0-9999) of the MNIST test set.")
        Integer mnistTest;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    private final DigitflowConfig config;

    @Inject
    public PredictCommand(DigitflowConfig config) {
        this.config = config;
    }

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        byte[] pixels;
        Integer label = null;
        if (source.mnistTest != null) {
            MnistSplit test = data.repository(config).loadTest().split();
            int n = source.mnistTest;
            if (n < 0 || n >= test.count()) {
                throw new UserException("--mnist-test " + n + ": out of range, the test set has images 0 to "
                        + (test.count() - 1));
            }
            pixels = test.image(n);
            label = test.label(n);
        } else {
            pixels = decode(source.file);
        }
        ModelArtifact artifact = model.load(config);
        float[] probabilities = new float[Classifier.CLASSES];
        try (Classifier classifier = new Nd4jClassifier(artifact.network(), artifact.version(), 1)) {
            classifier.classify(new byte[][]{pixels}, 1, probabilities);
        }
        int digit = Classifier.argmax(probabilities, 0);
        out.print(AsciiDigit.render(pixels));
        out.printf(Locale.ROOT, "%nPredicted digit: %d (probability %.5f, model %s)%n", digit,
                probabilities[digit], artifact.version());
        if (label != null) {
            out.printf("True label: %d - %s%n", label, label == digit ? "correct" : "WRONG");
        }
        out.println();
        out.print(ProbabilityBars.render(probabilities, digit));
        return 0;
    }

    private static byte[] decode(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + ": no such file");
        }
        try {
            return new ImageDecoder(DecodeLimits.DEFAULTS).decode(Files.readAllBytes(file), null).pixels();
        } catch (InvalidInputException e) {
            throw new UserException(file + ": " + e.getMessage(), e);
        }
    }
}
