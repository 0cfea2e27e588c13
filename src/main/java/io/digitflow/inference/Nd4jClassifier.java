package io.digitflow.inference;

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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The default engine: {@link MultiLayerNetwork#output} on the DL4J model.
 *
 * <p>Allocation-free in the steady state: the u8 pixels go straight into a reused input array
 * (one per batch size, a few sizes kept), and the output lands in a reused workspace. New arrays per
 * call cost microseconds per image and hold native memory until a GC.
 */
public final class Nd4jClassifier implements Classifier {

    static {
        Nd4jRuntime.ensureTuned();
    }

    private static final int PIXELS = 784;
    private static final int CACHED_SIZES = 16;
    private static final float[] SCALE = new float[256];

    static {
        for (int i = 0; i < SCALE.length; i++) {
            SCALE[i] = i / 255f; // the training job's /255, folded into a lookup
        }
    }

    private static final WorkspaceConfiguration OUTPUT_WS = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .build();

    private final MultiLayerNetwork network;
    private final String version;
    private final int maxBatch;
    private final String workspaceId = "digitflow-out-" + System.identityHashCode(this);
    private final Map<Integer, INDArray> inputs = new LinkedHashMap<>(CACHED_SIZES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, INDArray> eldest) {
            if (size() > CACHED_SIZES) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };

    /** Takes its own clone of {@code network}: {@code output()} is synchronized on the network. */
    public Nd4jClassifier(MultiLayerNetwork network, String version, int maxBatch) {
        this.network = network.clone();
        this.version = version;
        this.maxBatch = maxBatch;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public void classify(byte[][] images, int count, float[] out) {
        for (int from = 0; from < count; from += maxBatch) {
            int n = Math.min(maxBatch, count - from);
            INDArray input = inputs.computeIfAbsent(n, size -> Nd4j.create(DataType.FLOAT, size, PIXELS));
            FloatBuffer dst = input.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                byte[] img = images[from + i];
                int base = i * PIXELS;
                for (int p = 0; p < PIXELS; p++) {
                    dst.put(base + p, SCALE[img[p] & 0xFF]);
                }
            }
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(OUTPUT_WS, workspaceId)) {
                INDArray probabilities = network.output(input, false, null, null, ws);
                probabilities.data().asNioFloat().get(out, from * CLASSES, n * CLASSES);
            }
        }
    }

    @Override
    public Classifier copy() {
        return new Nd4jClassifier(network, version, maxBatch);
    }

    @Override
    public void close() {
        inputs.values().forEach(INDArray::close);
        inputs.clear();
    }
}
