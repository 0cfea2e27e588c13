package io.digitflow.cli;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.data.MnistSplit;
import io.digitflow.inference.Classifier;
import io.digitflow.inference.Engines;
import io.digitflow.input.DecodeLimits;
import io.digitflow.input.ImageDecoder;
import io.digitflow.model.Evaluation;
import io.digitflow.model.ModelArtifact;
import io.digitflow.model.ModelMetadata;
import io.digitflow.report.ConfusionMatrixChart;
import io.digitflow.report.DigitGrid;
import io.digitflow.report.TrainingCurvesChart;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code digitflow evaluate}: a model's accuracy on the MNIST test set, as text and pictures. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate a model on the 10k MNIST test set: print accuracy, loss, the confusion matrix "
                + "and per-digit precision/recall, and write PNG pictures: the confusion matrix as a heat map, "
                + "the training curves, and a grid of test digits with mistakes marked."})
public class EvaluateCommand implements Callable<Integer> {

    private static final int GRID_DIGITS = 100;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Folder for the PNG pictures. Default: <model folder>/report.")
    Path report;

    @Option(names = "--pictures", paramLabel = "DIR",
            description = "Instead of the MNIST test set, evaluate a folder of labelled PNG/JPEG pictures through "
                    + "the service's picture preparation; the label is the file's line in labels.csv (file,label) "
                    + "or else the digit its name starts with (7_scan.jpg). Writes the confusion matrix and a grid "
                    + "of mistakes, each as the picture given and the 28x28 the model saw.")
    Path pictures;

    private final DigitflowConfig config;

    @Inject
    public EvaluateCommand(DigitflowConfig config) {
        this.config = config;
    }

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        ModelArtifact artifact = model.load(config);
        if (pictures != null) {
            Path folder = report != null ? report : artifact.folder().resolve("report");
            try (Classifier classifier = Engines.create(artifact.network(), artifact.version(), 1000,
                    Engines.Choice.of(config))) {
                out.printf(Locale.ROOT, "Model %s (%s), engine %s%n", artifact.version(), artifact.folder(),
                        classifier.engine());
                PictureEvaluation.run(pictures, classifier, new ImageDecoder(DecodeLimits.of(config.input())),
                        folder, out);
            }
            return 0;
        }
        MnistSplit test = data.repository(config).loadTest().split();
        Evaluation evaluation;
        String engine;
        try (Classifier classifier = Engines.create(artifact.network(), artifact.version(), 1000, Engines.Choice.of(config))) {
            evaluation = Evaluation.of(classifier, test);
            engine = classifier.engine();
        }
        out.printf(Locale.ROOT, "Model %s (%s), engine %s%n", artifact.version(), artifact.folder(), engine);
        out.printf(Locale.ROOT, "Test accuracy: %.4f - test loss: %.4f - %,d images%n%n",
                evaluation.accuracy(), evaluation.loss(), test.count());
        out.print(ConfusionTable.format(evaluation));

        Path folder = report != null ? report : artifact.folder().resolve("report");
        Files.createDirectories(folder);
        Path confusion = folder.resolve("confusion-matrix.png");
        Path curves = folder.resolve("training-curves.png");
        Path digits = folder.resolve("test-digits.png");
        ConfusionMatrixChart.write(evaluation.confusion(), confusion);
        ModelMetadata meta = artifact.metadata();
        TrainingCurvesChart.write(meta.history(), evaluation.accuracy(), evaluation.loss(), curves);
        writeGrid(test, evaluation, digits);
        out.printf("%nPictures: %s, %s, %s%n", confusion, curves, digits);
        return 0;
    }

    private static void writeGrid(MnistSplit test, Evaluation evaluation, Path png) {
        int[] truth = new int[test.count()];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = test.label(i);
        }
        int[] chosen = DigitGrid.selectForDisplay(evaluation.predicted(), truth, GRID_DIGITS);
        byte[] images = new byte[chosen.length * MnistSplit.PIXELS];
        int[] predicted = new int[chosen.length];
        int[] labels = new int[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            System.arraycopy(test.images(), chosen[i] * MnistSplit.PIXELS, images, i * MnistSplit.PIXELS,
                    MnistSplit.PIXELS);
            predicted[i] = evaluation.predicted()[chosen[i]];
            labels[i] = truth[chosen[i]];
        }
        try {
            DigitGrid.write(images, predicted, labels, 10, 3, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
