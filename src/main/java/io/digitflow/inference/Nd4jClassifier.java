package io.digitflow.inference;

import io.digitflow.Shape;
import io.digitflow.platform.Nd4jRuntime;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The default engine: {@link MultiLayerNetwork#output} on the DL4J model.
 *
 * <p>Allocation-free in the steady state: the u8 pixels go straight into a reused input array and
 * the output lands in a reused workspace. A batch is padded up to the next power of two, so only a
 * handful of shapes ever reach ND4J: measured in the service, a batch of a size not seen before
 * took 20-50 ms (new arrays, workspaces re-sized) instead of well under one. The padding rows are
 * computed and ignored: at most twice the work, usually far less.
 */
public final class Nd4jClassifier implements Classifier {

    static {
        Nd4jRuntime.ensureTuned();
    }

    private static final int PIXELS = Shape.PIXELS;
    private static final float[] SCALE = new float[256];

    static {
        for (int i = 0; i < SCALE.length; i++) {
            SCALE[i] = i / 255f; // the training job's /255, folded into a lookup
        }
    }

    private final MultiLayerNetwork network;
    private final String version;
    private final int maxBatch;
    private final String workspaceId = "digitflow-out-" + System.identityHashCode(this);
    private final WorkspaceConfiguration outputWorkspace;
    private final Map<Integer, INDArray> inputs = new HashMap<>();

    /** Takes its own clone of {@code network}: {@code output()} is synchronized on the network. */
    public Nd4jClassifier(MultiLayerNetwork network, String version, int maxBatch) {
        this.network = network.clone();
        this.version = version;
        this.maxBatch = maxBatch;
        // Sized once for the largest output, so it never has to grow while serving.
        this.outputWorkspace = WorkspaceConfiguration.builder()
                .initialSize(2L * bucket(maxBatch) * CLASSES * Float.BYTES + 4096)
                .policyAllocation(AllocationPolicy.STRICT)
                .policyLearning(LearningPolicy.NONE)
                .build();
    }

    /** The padded size a batch of {@code n} runs at: the next power of two. */
    static int bucket(int n) {
        return Integer.highestOneBit(Math.max(1, n - 1)) << (n > 1 ? 1 : 0);
    }

    /** Runs every padded shape once, so no request meets a cold one. */
    public void warmUp() {
        byte[][] blank = new byte[bucket(maxBatch)][];
        java.util.Arrays.fill(blank, new byte[PIXELS]);
        float[] out = new float[blank.length * CLASSES];
        for (int n = 1; n <= maxBatch; n = bucket(n) * 2) {
            classify(blank, Math.min(n, maxBatch), out);
        }
        classify(blank, maxBatch, out);
    }

    @Override
    public String engine() {
        return "nd4j";
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public void classify(byte[][] images, int count, float[] out) {
        for (int from = 0; from < count; from += maxBatch) {
            int n = Math.min(maxBatch, count - from);
            INDArray input = inputs.computeIfAbsent(bucket(n), size -> Nd4j.create(DataType.FLOAT, size, PIXELS));
            FloatBuffer dst = input.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                byte[] img = images[from + i];
                int base = i * PIXELS;
                for (int p = 0; p < PIXELS; p++) {
                    dst.put(base + p, SCALE[img[p] & 0xFF]);
                }
            }
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(outputWorkspace, workspaceId)) {
                INDArray probabilities = network.output(input, false, null, null, ws);
                probabilities.data().asNioFloat().get(out, from * CLASSES, n * CLASSES);
            }
        }
    }

    /** A warmed-up copy: the thread that calls this is the one that will use it (workspaces are per thread). */
    @Override
    public Classifier copy() {
        Nd4jClassifier copy = new Nd4jClassifier(network, version, maxBatch);
        copy.warmUp();
        return copy;
    }

    @Override
    public void close() {
        inputs.values().forEach(INDArray::close);
        inputs.clear();
    }
}
