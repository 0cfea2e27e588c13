package io.digitflow.model;

import io.digitflow.UserException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile model archives cost bounded memory, run no Java deserialization and never load bad weights. */
class ModelZipTest {

    static {
        // ND4J chooses its CPU binary when first touched: in a JVM where this class is first, JavaCPP's own
        // default would load the AVX-512 build even on a CPU without AVX-512 (SIGILL).
        io.digitflow.platform.Nd4jRuntime.ensureTuned();
    }

    @TempDir
    Path dir;

    @Test
    void aRealModelLoadsWithItsWeights() throws Exception {
        MultiLayerNetwork net = network();
        Path folder = save("v-ok", zip(net));
        ModelArtifact loaded = ModelArtifact.load(folder);
        assertThat(loaded.network().params()).isEqualTo(net.params());
    }

    @Test
    void anEntryDeclaringTwoGigabytesIsRefusedBeforeItIsRead() throws Exception {
        byte[] zip = storedZip("coefficients.bin", new byte[1000]);
        declareSize(zip, 0x8000_0000L);
        Path folder = save("v-huge", zip);
        assertThatThrownBy(() -> ModelArtifact.load(folder)).isInstanceOf(UserException.class)
                .hasMessageContaining("declares 2147483648 bytes");
    }

    @Test
    void preprocessorBinIsNeverDeserialized() throws Exception {
        FlagFlipper.flipped = false;
        ByteArrayOutputStream serialized = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
            out.writeObject(new FlagFlipper());
        }
        byte[] zip = withEntry(zip(network()), "preprocessor.bin", serialized.toByteArray());
        Path folder = save("v-gadget", zip);
        assertThatThrownBy(() -> ModelArtifact.load(folder)).isInstanceOf(UserException.class)
                .hasMessageContaining("preprocessor.bin");
        assertThat(FlagFlipper.flipped).as("readObject ran").isFalse();
    }

    @Test
    void nanWeightsAreRefused() throws Exception {
        MultiLayerNetwork net = network();
        net.params().putScalar(17, Float.NaN);
        Path folder = save("v-nan", zip(net));
        assertThatThrownBy(() -> ModelArtifact.load(folder)).isInstanceOf(UserException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void tooManyEntriesAndOversizedContentAreRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (int i = 0; i < 20; i++) {
                out.putNextEntry(new ZipEntry("e" + i));
                out.closeEntry();
            }
        }
        assertThatThrownBy(() -> ModelZip.read(new ByteArrayInputStream(bytes.toByteArray()), ModelZip.Limits.DEFAULT))
                .isInstanceOf(ModelZip.Refused.class).hasMessageContaining("more than 16 entries");
        // A deflated entry whose header does not say its size: the bytes actually read are counted.
        ModelZip.Limits small = new ModelZip.Limits(16, 1000, 2000, 1_000_000);
        assertThatThrownBy(() -> ModelZip.read(new ByteArrayInputStream(zip(network())), small))
                .isInstanceOf(ModelZip.Refused.class).hasMessageContaining("larger than");
    }

    /** Its readObject flips a flag: proof that something was deserialized. */
    static final class FlagFlipper implements Serializable {
        static volatile boolean flipped;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            flipped = true;
        }
    }

    private static MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.FLOAT).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(784).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return net;
    }

    private static byte[] zip(MultiLayerNetwork net) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, false);
        return out.toByteArray();
    }

    /** The entries of {@code zip} plus one more. */
    private static byte[] withEntry(byte[] zip, String name, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip));
             ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry(name));
            out.write(content);
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] storedZip(String name, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("configuration.json"));
            out.write("{}".getBytes());
            out.closeEntry();
            ZipEntry entry = new ZipEntry(name);
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(content.length);
            CRC32 crc = new CRC32();
            crc.update(content);
            entry.setCrc(crc.getValue());
            out.putNextEntry(entry);
            out.write(content);
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** Rewrites the uncompressed size of the last entry in its local header and the central directory. */
    private static void declareSize(byte[] zip, long size) {
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int local = -1;
        int central = -1;
        for (int i = 0; i + 4 <= zip.length; i++) {
            int signature = buffer.getInt(i);
            if (signature == 0x04034b50) {
                local = i;
            } else if (signature == 0x02014b50) {
                central = i;
            }
        }
        buffer.putInt(local + 22, (int) size);
        buffer.putInt(central + 24, (int) size);
    }

    private Path save(String version, byte[] zip) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(version));
        Files.write(folder.resolve(ModelArtifact.MODEL_FILE), zip);
        Files.writeString(folder.resolve(ModelArtifact.METADATA_FILE), "{\"version\":\"" + version + "\"}");
        return folder;
    }
}
