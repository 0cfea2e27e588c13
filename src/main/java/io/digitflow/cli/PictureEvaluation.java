package io.digitflow.cli;

import io.digitflow.UserException;
import io.digitflow.data.MnistSplit;
import io.digitflow.inference.Classifier;
import io.digitflow.input.DecodedImage;
import io.digitflow.input.ImageDecoder;
import io.digitflow.input.InvalidInputException;
import io.digitflow.model.Evaluation;
import io.digitflow.report.ConfusionMatrixChart;
import io.digitflow.report.DigitGrid;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code evaluate --pictures DIR}: a model on a folder of labelled pictures, through the same preparation as
 * the service. A picture's label is its line in {@code labels.csv} ({@code file,label}) or else the digit its
 * file name starts with ({@code 7.png}, {@code 7_scan.jpg}); pictures with neither are skipped and counted.
 */
final class PictureEvaluation {

    /** More pictures than this in one folder is a mistake, not a test set: refused before any is read. */
    static final int MAX_PICTURES = 100_000;
    static final String LABELS_FILE = "labels.csv";
    private static final int MAX_MISTAKES_SHOWN = 50;

    /** What was found: the results over the pictures the model saw, and the pictures it could not see. */
    record Result(int pictures, int correct, int unlabelled, Map<String, Integer> refused, Evaluation evaluation) {

        double accuracy() {
            return pictures == 0 ? 0 : (double) correct / pictures;
        }
    }

    private PictureEvaluation() {
    }

    static Result run(Path folder, Classifier classifier, ImageDecoder decoder, Path report, PrintStream out)
            throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new UserException(folder + ": no such folder of pictures");
        }
        Map<String, Integer> listed = readLabels(folder.resolve(LABELS_FILE));
        List<Path> files;
        try (Stream<Path> entries = Files.list(folder)) {
            files = entries.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(LABELS_FILE))
                    .sorted().limit(MAX_PICTURES + 1L).toList();
        }
        if (files.size() > MAX_PICTURES) {
            throw new UserException(folder + ": more than " + MAX_PICTURES + " files; evaluate a smaller folder");
        }
        List<byte[]> seen = new ArrayList<>();
        List<byte[]> given = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        Map<String, Integer> refused = new TreeMap<>();
        int unlabelled = 0;
        int pictures = 0;
        for (Path file : files) {
            String name = file.getFileName().toString();
            Integer label = listed.containsKey(name) ? listed.get(name) : prefixLabel(name);
            if (label == null) {
                unlabelled++;
                continue;
            }
            pictures++;
            if (Files.size(file) > decoder.limits().maxRecordBytes()) {
                refused.merge("record-too-large", 1, Integer::sum);
                continue;
            }
            byte[] bytes = Files.readAllBytes(file);
            try {
                DecodedImage digit = decoder.decode(bytes, null);
                seen.add(digit.pixels());
                given.add(decoder.preview(bytes, null));
                labels.add(label);
            } catch (InvalidInputException e) {
                refused.merge(e.reason().code(), 1, Integer::sum);
            }
        }
        Evaluation evaluation = null;
        int correct = 0;
        if (!seen.isEmpty()) {
            byte[] images = new byte[seen.size() * MnistSplit.PIXELS];
            byte[] truth = new byte[seen.size()];
            for (int i = 0; i < seen.size(); i++) {
                System.arraycopy(seen.get(i), 0, images, i * MnistSplit.PIXELS, MnistSplit.PIXELS);
                truth[i] = (byte) (int) labels.get(i);
            }
            evaluation = Evaluation.of(classifier, new MnistSplit(images, truth, seen.size()));
            for (int i = 0; i < seen.size(); i++) {
                correct += evaluation.predicted()[i] == labels.get(i) ? 1 : 0;
            }
        }
        Result result = new Result(pictures, correct, unlabelled, refused, evaluation);
        print(result, folder, out);
        if (evaluation != null) {
            Files.createDirectories(report);
            Path confusion = report.resolve("pictures-confusion-matrix.png");
            Path mistakes = report.resolve("pictures-mistakes.png");
            ConfusionMatrixChart.write(evaluation.confusion(), confusion);
            writeMistakes(given, seen, labels, evaluation.predicted(), mistakes);
            out.printf("%nPictures: %s, %s%n", confusion, mistakes);
        }
        return result;
    }

    private static void print(Result result, Path folder, PrintStream out) {
        out.printf(Locale.ROOT, "Pictures in %s: %d labelled, %d classified, %d refused, %d without a label%n",
                folder, result.pictures(), result.evaluation() == null ? 0 : result.evaluation().predicted().length,
                result.refused().values().stream().mapToInt(Integer::intValue).sum(), result.unlabelled());
        result.refused().forEach((reason, count) -> out.printf(Locale.ROOT, "  refused as %s: %d%n", reason, count));
        out.printf(Locale.ROOT, "Accuracy: %.4f (%d of %d; refused pictures count as wrong)%n%n",
                result.accuracy(), result.correct(), result.pictures());
        if (result.evaluation() != null) {
            out.print(ConfusionTable.format(result.evaluation()));
        }
    }

    /** Each mistake as a pair: the picture as given, then the 28x28 the model saw. */
    private static void writeMistakes(List<byte[]> given, List<byte[]> seen, List<Integer> labels, int[] predicted,
            Path png) {
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < predicted.length && wrong.size() < MAX_MISTAKES_SHOWN; i++) {
            if (predicted[i] != labels.get(i)) {
                wrong.add(i);
            }
        }
        int cells = Math.max(1, wrong.size()) * 2;
        byte[] images = new byte[cells * DigitGrid.PIXELS];
        int[] guesses = new int[cells];
        int[] truths = new int[cells];
        for (int k = 0; k < wrong.size(); k++) {
            int i = wrong.get(k);
            System.arraycopy(given.get(i), 0, images, 2 * k * DigitGrid.PIXELS, DigitGrid.PIXELS);
            System.arraycopy(seen.get(i), 0, images, (2 * k + 1) * DigitGrid.PIXELS, DigitGrid.PIXELS);
            guesses[2 * k] = guesses[2 * k + 1] = predicted[i];
            truths[2 * k] = truths[2 * k + 1] = labels.get(i);
        }
        try {
            DigitGrid.write(images, guesses, truths, 10, 3, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The digit a file name starts with, when it is followed by a non-digit: {@code 7_a.png}, {@code 7.jpg}. */
    static Integer prefixLabel(String name) {
        if (name.length() >= 2 && Character.isDigit(name.charAt(0)) && !Character.isDigit(name.charAt(1))) {
            return name.charAt(0) - '0';
        }
        return null;
    }

    /** {@code file,label} lines; a header line and blank lines are skipped; a bad label is an error. */
    static Map<String, Integer> readLabels(Path csv) throws IOException {
        Map<String, Integer> labels = new HashMap<>();
        if (!Files.isRegularFile(csv)) {
            return labels;
        }
        if (Files.size(csv) > 64L * MAX_PICTURES) {
            throw new UserException(csv + ": larger than " + 64L * MAX_PICTURES + " bytes");
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            int comma = line.lastIndexOf(',');
            if (line.isEmpty() || (n == 0 && line.toLowerCase(Locale.ROOT).endsWith(",label"))) {
                continue;
            }
            String label = comma < 0 ? "" : line.substring(comma + 1).strip();
            if (label.length() != 1 || !Character.isDigit(label.charAt(0))) {
                throw new UserException(csv + " line " + (n + 1) + ": expected file,label with a label 0-9, got '"
                        + line + "'");
            }
            labels.put(line.substring(0, comma).strip(), label.charAt(0) - '0');
        }
        return labels;
    }
}
