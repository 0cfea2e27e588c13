package io.digitflow.bench;

import io.digitflow.data.MnistSplit;
import io.digitflow.inference.Classifier;
import io.digitflow.inference.DenseWeights;
import io.digitflow.inference.KernelPath;
import io.digitflow.inference.NativeClassifier;
import io.digitflow.inference.NativeKernel;
import io.digitflow.inference.Nd4jClassifier;
import io.digitflow.model.ModelArtifact;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Every engine on the real MNIST test images (the native kernel's work depends on how much ink
 * an image has, so random bytes would mislead), per batch size, on one and two threads; each
 * thread has its own classifier. "items" is images per second. {@link EngineReport} turns the
 * JSON result into the README's table with each path's fraction of peak.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class EngineBenchmark {

    @Param({"nd4j", "plain", "avx2", "avx512", "avx512-bf16", "avx512-vnni"})
    String engine;

    @Param({"1", "8", "32", "128", "512", "1024", "4096"})
    int batch;

    private Classifier classifier;
    private byte[][] testImages;
    private byte[][] images;
    private float[] out;
    private int next;

    @Setup
    public void setUp() {
        ModelArtifact model = ModelArtifact.load(TestModels.ensure());
        if (engine.equals("nd4j")) {
            classifier = new Nd4jClassifier(model.network(), model.version(), batch);
        } else {
            KernelPath path = KernelPath.of(engine);
            if (!NativeKernel.availablePaths().contains(path)) {
                throw new IllegalStateException(path.id() + " does not run on this CPU: "
                        + NativeKernel.unavailabilityCause().map(Throwable::getMessage).orElse("instruction set missing"));
            }
            classifier = new NativeClassifier(DenseWeights.of(model.network()), path, model.version(), batch);
        }
        MnistSplit test = TestMnist.get().test();
        testImages = new byte[test.count()][];
        for (int i = 0; i < test.count(); i++) {
            testImages[i] = test.image(i);
        }
        images = new byte[batch][];
        out = new float[batch * Classifier.CLASSES];
    }

    @TearDown
    public void tearDown() {
        classifier.close();
    }

    @Benchmark
    @Threads(1)
    public float oneThread(Items counter) {
        return classify(counter);
    }

    @Benchmark
    @Threads(2)
    public float twoThreads(Items counter) {
        return classify(counter);
    }

    /** The next {@code batch} test images, wrapping around, so every call sees other digits. */
    private float classify(Items counter) {
        for (int i = 0; i < batch; i++) {
            images[i] = testImages[next];
            next = next + 1 == testImages.length ? 0 : next + 1;
        }
        classifier.classify(images, batch, out);
        counter.items += batch;
        return out[0];
    }
}
