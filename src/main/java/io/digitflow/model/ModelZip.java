package io.digitflow.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads a DL4J model.zip at a bounded cost, instead of {@code ModelSerializer}, which reads entries at
 * their declared size and runs {@code ObjectInputStream.readObject} on {@code preprocessor.bin}. Limits:
 * entry count, each entry's declared and actual size, the total uncompressed size, the parameter count
 * the configuration asks for, and the lengths the parameter file claims. No Java deserialization at all:
 * an archive with {@code preprocessor.bin} is refused. Parameters that are NaN or infinite are refused.
 * Every failure, including an {@link Error} of the JSON or ND4J readers, is a {@link Refused}.
 */
public final class ModelZip {

    /** What one archive may cost. */
    public record Limits(int maxEntries, long maxEntryBytes, long maxTotalBytes, long maxParameters) {
        /** The digitflow network has 407,050 parameters (1.6 MB); these leave room and still bound memory. */
        public static final Limits DEFAULT = new Limits(16, 64L << 20, 128L << 20, 16_000_000L);
    }

    /** Why an archive was not loaded. */
    public static final class Refused extends IOException {
        public Refused(String message) {
            super(message);
        }

        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static final String CONFIGURATION = "configuration.json";
    static final String COEFFICIENTS = "coefficients.bin";
    /** Java-serialized DataSetPreProcessor in DL4J's format: never read. */
    static final String PREPROCESSOR = "preprocessor.bin";
    /** Entries DL4J writes that serving does not need: read within the limits and dropped. */
    private static final Set<String> IGNORED = Set.of("updaterState.bin", "normalizer.bin", "noParams.marker");

    private ModelZip() {
    }

    public static MultiLayerNetwork read(Path file) throws IOException {
        return read(file, Limits.DEFAULT);
    }

    public static MultiLayerNetwork read(Path file, Limits limits) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, limits);
        }
    }

    public static MultiLayerNetwork read(InputStream zip, Limits limits) throws IOException {
        Map<String, byte[]> entries = entries(zip, limits);
        byte[] json = entries.get(CONFIGURATION);
        byte[] coefficients = entries.get(COEFFICIENTS);
        if (json == null || coefficients == null) {
            throw new Refused("no " + (json == null ? CONFIGURATION : COEFFICIENTS) + " in the archive");
        }
        try {
            MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(new String(json, StandardCharsets.UTF_8));
            long expected = parameterCount(conf, limits);
            checkCoefficientHeader(coefficients, expected);
            INDArray params;
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(coefficients))) {
                params = Nd4j.read(in);
            }
            if (params.length() != expected) {
                throw new Refused(COEFFICIENTS + " holds " + params.length() + " values; the configuration needs " + expected);
            }
            for (float v : params.data().asFloat()) {
                if (!Float.isFinite(v)) {
                    throw new Refused("weights hold NaN or infinite values");
                }
            }
            MultiLayerNetwork network = new MultiLayerNetwork(conf);
            network.init(params, false);
            return network;
        } catch (Refused e) {
            throw e;
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            // A hostile configuration may nest deeply or name odd types; none of that may leave as an Error.
            throw new Refused("not a DL4J model (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private static Map<String, byte[]> entries(InputStream raw, Limits limits) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        long total = 0;
        int count = 0;
        try (ZipInputStream zip = new ZipInputStream(raw)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (++count > limits.maxEntries()) {
                    throw new Refused("more than " + limits.maxEntries() + " entries");
                }
                String name = entry.getName();
                if (name.equals(PREPROCESSOR)) {
                    throw new Refused(PREPROCESSOR + " is Java-serialized; digitflow does not deserialize it");
                }
                if (entry.getSize() > limits.maxEntryBytes()) {
                    throw new Refused("entry " + printable(name) + " declares " + entry.getSize()
                            + " bytes, more than " + limits.maxEntryBytes());
                }
                if (entries.containsKey(name)) {
                    throw new Refused("entry " + printable(name) + " appears twice");
                }
                long budget = Math.min(limits.maxEntryBytes(), limits.maxTotalBytes() - total);
                byte[] bytes = readAtMost(zip, budget, name);
                total += bytes.length;
                if (!IGNORED.contains(name)) {
                    entries.put(name, bytes);
                }
            }
        } catch (Refused e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new Refused("not a DL4J model (" + e.getMessage() + ")", e);
        }
        return entries;
    }

    private static byte[] readAtMost(InputStream in, long budget, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        long read = 0;
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            read += n;
            if (read > budget) {
                throw new Refused("entry " + printable(name) + " is larger than its share of the limits ("
                        + budget + " bytes)");
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    /** Parameters the layers need, checked before anything is allocated for them. */
    private static long parameterCount(MultiLayerConfiguration conf, Limits limits) throws Refused {
        int layers = conf.getConfs().size();
        if (layers == 0 || layers > 16) {
            throw new Refused(layers + " layers");
        }
        long count = 0;
        for (int i = 0; i < layers; i++) {
            Layer layer = conf.getConf(i).getLayer();
            if (!(layer instanceof FeedForwardLayer dense)) {
                throw new Refused("layer " + i + " is " + (layer == null ? "missing" : layer.getClass().getSimpleName())
                        + "; only dense layers are served");
            }
            long in = dense.getNIn();
            long out = dense.getNOut();
            if (in < 1 || out < 1 || in > limits.maxParameters() || out > limits.maxParameters()) {
                throw new Refused("layer " + i + " has " + in + " inputs and " + out + " outputs");
            }
            count += in * out + out;
            if (count > limits.maxParameters()) {
                throw new Refused("more than " + limits.maxParameters() + " parameters");
            }
        }
        return count;
    }

    /**
     * ND4J's format is two buffers (shape, then data), each: UTF allocation mode, long length, UTF type
     * name, the elements. The lengths must fit the bytes there are, or ND4J would allocate what they claim.
     */
    private static void checkCoefficientHeader(byte[] coefficients, long expected) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(coefficients))) {
            for (int buffer = 0; buffer < 2; buffer++) {
                in.readUTF();
                long length = in.readLong();
                int width = DataType.valueOf(in.readUTF()).width();
                if (length < 0 || width < 1 || length > in.available() / width) {
                    throw new Refused(COEFFICIENTS + " claims " + length + " values in " + in.available() + " bytes");
                }
                if (buffer == 1 && length != expected) {
                    throw new Refused(COEFFICIENTS + " holds " + length + " values; the configuration needs " + expected);
                }
                in.skipNBytes(length * width);
            }
        } catch (Refused e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            throw new Refused(COEFFICIENTS + " is not an ND4J array (" + e.getMessage() + ")", e);
        }
    }

    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(80).forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c)
                : new String(Character.toChars(c))));
        return out.toString();
    }
}
