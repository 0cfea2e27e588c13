package io.digitflow.cli;

import io.digitflow.model.Hyperparameters;
import io.digitflow.model.ModelArtifact;
import io.digitflow.model.ModelMetadata;
import io.digitflow.support.AppProcess;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad data and bad models end a command of the packaged app with a non-zero exit code and one line
 * naming the file and the problem, with no stack trace.
 */
class CliErrorsIT {

    static {
        // ND4J chooses its CPU binary when first touched: in a JVM where this class is first, JavaCPP's own
        // default would load the AVX-512 build even on a CPU without AVX-512 (SIGILL).
        io.digitflow.platform.Nd4jRuntime.ensureTuned();
    }

    @TempDir
    Path dir;

    @Test
    void aMissingDataFolderIsNamed() throws Exception {
        Path missing = dir.resolve("no-such-folder");
        assertOneLineError(launch("train", "--epochs", "1", "--data", missing.toString()), missing.toString());
    }

    @Test
    void aWrongMagicNumberIsNamed() throws Exception {
        writeSet(ByteBuffer.allocate(16).putInt(0x0000_0801).putInt(1).putInt(28).putInt(28).array(), labels(1));
        AppProcess.Result result = launch("train", "--epochs", "1", "--data", dir.toString());
        assertOneLineError(result, "train-images-idx3-ubyte");
        assertThat(result.err()).containsIgnoringCase("magic");
    }

    @Test
    void aTruncatedFileIsNamed() throws Exception {
        byte[] images = images(3);
        writeSet(java.util.Arrays.copyOf(images, images.length - 100), labels(3));
        AppProcess.Result result = launch("train", "--epochs", "1", "--data", dir.toString());
        assertOneLineError(result, "train-images-idx3-ubyte");
        assertThat(result.err()).containsIgnoringCase("truncated");
    }

    @Test
    void aCountMismatchNamesBothFiles() throws Exception {
        writeSet(images(3), labels(2));
        AppProcess.Result result = launch("train", "--epochs", "1", "--data", dir.toString());
        assertOneLineError(result, "train-labels-idx1-ubyte");
        assertThat(result.err()).contains("3").contains("2");
    }

    @Test
    void aChecksumMismatchIsNamed() throws Exception {
        // Well-formed gzip IDX files under the official names, but not the official content.
        for (var file : Map.of("train-images-idx3-ubyte.gz", images(2), "train-labels-idx1-ubyte.gz", labels(2),
                "t10k-images-idx3-ubyte.gz", images(2), "t10k-labels-idx1-ubyte.gz", labels(2)).entrySet()) {
            Files.write(dir.resolve(file.getKey()), gzip(file.getValue()));
        }
        AppProcess.Result result = launch("train", "--epochs", "1", "--data", dir.toString());
        assertOneLineError(result, "-idx");
        assertThat(result.err()).containsIgnoringCase("sha-256");
    }

    @Test
    void aModelOfAnotherArchitectureIsRefused() throws Exception {
        MultiLayerNetwork other = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(100).nOut(20).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(20).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build());
        other.init();
        Path folder = dir.resolve("other");
        ModelArtifact.save(folder, other, new ModelMetadata("other", "2026-01-01T00:00:00Z", "Dense(100)",
                Hyperparameters.defaults(), Map.of(), 0, 0, List.of(), 0.5, 1.0, new int[10][10], List.of(), 1.0, null));
        AppProcess.Result result = launch("predict", "--model", folder.toString(), "--mnist-test", "0");
        assertOneLineError(result, "model.zip");
        assertThat(result.err()).contains("100 inputs").contains("784");
    }

    @Test
    void aMissingModelFolderIsNamed() throws Exception {
        Path missing = dir.resolve("no-model");
        assertOneLineError(launch("evaluate", "--model", missing.toString()), missing.toString());
    }

    @Test
    void anUnreadablePictureIsNamed() throws Exception {
        Path file = Files.write(dir.resolve("broken.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        assertOneLineError(launch("predict", file.toString()), file.toString());
    }

    private static AppProcess.Result launch(String... args) throws Exception {
        return AppProcess.run(Map.of(), args);
    }

    private static void assertOneLineError(AppProcess.Result result, String mustName) {
        assertThat(result.exitCode()).as("exit code").isNotZero();
        List<String> errorLines = result.errLines().stream().filter(l -> l.startsWith("digitflow ")).toList();
        assertThat(errorLines).as("stderr: %s%nstdout: %s", result.err(), result.out()).hasSize(1);
        assertThat(errorLines.get(0)).contains(mustName);
        assertThat(result.err() + result.out()).doesNotContain("\tat ").doesNotContain("Exception:");
    }

    private void writeSet(byte[] trainImages, byte[] trainLabels) throws IOException {
        // Un-gzipped names: the reader takes them, and their checksums are not enforced.
        Files.write(dir.resolve("train-images-idx3-ubyte"), trainImages);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), trainLabels);
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(2));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels(2));
    }

    private static byte[] images(int count) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * 784).putInt(0x0000_0803).putInt(count).putInt(28).putInt(28);
        return b.array();
    }

    private static byte[] labels(int count) {
        ByteBuffer b = ByteBuffer.allocate(8 + count).putInt(0x0000_0801).putInt(count);
        return b.array();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
