package io.digitflow.inference;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fused C kernel from src-native behind the {@link Classifier} seam. Weights are packed once
 * per model (copies share them); each copy owns direct buffers for {@code maxBatch} images, so a
 * batch allocates nothing. Every argument is checked here: the C side trusts what it is given.
 */
public final class NativeClassifier implements Classifier {

    private static final int PIXELS = DenseWeights.PIXELS;

    private final Packed packed;
    private final String version;
    private final int maxBatch;
    private final ByteBuffer images;
    private final ByteBuffer probabilities;
    private final FloatBuffer probabilityFloats;
    private boolean closed;

    /** Packs {@code weights} for {@code path}, which must be one this CPU runs. */
    public NativeClassifier(DenseWeights weights, KernelPath path, String version, int maxBatch) {
        this(Packed.of(weights, path), version, maxBatch);
    }

    private NativeClassifier(Packed packed, String version, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.packed = packed;
        this.version = Objects.requireNonNull(version, "version");
        this.maxBatch = maxBatch;
        this.images = ByteBuffer.allocateDirect(maxBatch * PIXELS);
        this.probabilities = ByteBuffer.allocateDirect(maxBatch * CLASSES * Float.BYTES).order(ByteOrder.nativeOrder());
        this.probabilityFloats = probabilities.asFloatBuffer();
    }

    public KernelPath path() {
        return packed.path;
    }

    @Override
    public String engine() {
        return "native " + packed.path.id();
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public void classify(byte[][] batch, int count, float[] out) {
        if (closed) {
            throw new IllegalStateException("classifier for model " + version + " is closed");
        }
        Objects.requireNonNull(batch, "images");
        Objects.requireNonNull(out, "out");
        if (count < 0 || count > batch.length) {
            throw new IllegalArgumentException("count " + count + " outside 0.." + batch.length);
        }
        if (out.length < count * CLASSES) {
            throw new IllegalArgumentException("out holds " + out.length + " floats, " + count + " images need "
                    + count * CLASSES);
        }
        for (int i = 0; i < count; i++) {
            if (batch[i] == null || batch[i].length != PIXELS) {
                throw new IllegalArgumentException("image " + i + " has "
                        + (batch[i] == null ? "no pixels" : batch[i].length + " bytes") + ", expected " + PIXELS);
            }
        }
        for (int start = 0; start < count; start += maxBatch) {
            int n = Math.min(maxBatch, count - start);
            images.clear();
            for (int i = 0; i < n; i++) {
                images.put(batch[start + i]);
            }
            NativeKernel.classify(packed.handle(), images, n, probabilities);
            Reference.reachabilityFence(packed); // the cleaner must not free the weights mid-call
            probabilityFloats.clear();
            probabilityFloats.get(out, start * CLASSES, n * CLASSES);
        }
    }

    @Override
    public Classifier copy() {
        packed.retain();
        return new NativeClassifier(packed, version, maxBatch);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            packed.release();
        }
    }

    /** Packed weights in native memory, shared by copies; freed when the last copy closes. */
    private static final class Packed {
        private static final Cleaner CLEANER = Cleaner.create();

        private final KernelPath path;
        private final long handle;
        private final AtomicInteger users = new AtomicInteger(1);
        private final Cleaner.Cleanable cleanable;

        private Packed(KernelPath path, long handle) {
            this.path = path;
            this.handle = handle;
            // A copy that is dropped without close() must not leak 1.6 MB of native memory.
            this.cleanable = CLEANER.register(this, () -> NativeKernel.free(handle));
        }

        static Packed of(DenseWeights weights, KernelPath path) {
            NativeKernel.requireAvailable();
            Objects.requireNonNull(weights, "weights");
            if (!NativeKernel.availablePaths().contains(path)) {
                throw new IllegalArgumentException("native path " + path.id() + " does not run on this CPU; it runs "
                        + NativeKernel.availablePaths().stream().map(KernelPath::id).toList());
            }
            long handle = NativeKernel.pack(weights.w1(), weights.b1(), weights.w2(), weights.b2(), path.ordinal());
            if (handle == 0) {
                throw new OutOfMemoryError("native kernel: no memory to pack the weights for " + path.id());
            }
            return new Packed(path, handle);
        }

        long handle() {
            if (users.get() <= 0) {
                throw new IllegalStateException("packed weights already freed");
            }
            return handle;
        }

        void retain() {
            if (users.getAndIncrement() <= 0) {
                throw new IllegalStateException("packed weights already freed");
            }
        }

        void release() {
            if (users.decrementAndGet() == 0) {
                cleanable.clean();
            }
        }
    }
}
