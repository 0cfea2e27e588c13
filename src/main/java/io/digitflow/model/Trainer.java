package io.digitflow.model;

import io.digitflow.data.MnistSplit;
import io.digitflow.platform.Nd4jRuntime;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;

/**
 * Trains the seed network on an MNIST split: pixels /255, one-hot labels, shuffled every epoch with
 * the seed, mini-batches of the configured size (the last one smaller, as in Keras).
 */
public final class Trainer {

    static {
        Nd4jRuntime.ensureTuned();
    }

    private static final int PIXELS = SeedNetwork.INPUTS;

    /** Callbacks for progress display; all run on the training thread. */
    public interface Progress {
        default void epochStarted(int epoch, int epochs, int steps) {
        }

        /** After each step, with the running mean loss and accuracy of the epoch so far. */
        default void stepDone(int epoch, int step, int steps, long images, double loss, double accuracy,
                              long elapsedNanos) {
        }

        default void epochDone(EpochStats stats, int epochs) {
        }
    }

    /** The trained network and how it got there. */
    public record Result(MultiLayerNetwork network, List<EpochStats> history, double seconds) {
    }

    private volatile boolean cancelled;

    /** Asks a running {@link #train} to stop after its current step. */
    public void cancel() {
        cancelled = true;
    }

    public Result train(MnistSplit data, Hyperparameters hp, Progress progress) {
        MultiLayerNetwork net = SeedNetwork.build(hp);
        RunningAccuracy accuracy = new RunningAccuracy();
        net.setListeners(accuracy);
        Random random = new Random(hp.seed());
        int[] order = new int[data.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int steps = (data.count() + hp.batchSize() - 1) / hp.batchSize();
        Batch full = new Batch(hp.batchSize());
        Batch last = data.count() % hp.batchSize() == 0 ? full : new Batch(data.count() % hp.batchSize());
        List<EpochStats> history = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int epoch = 1; epoch <= hp.epochs(); epoch++) {
                shuffle(order, random);
                progress.epochStarted(epoch, hp.epochs(), steps);
                long epochStart = System.nanoTime();
                double lossSum = 0;
                accuracy.reset();
                for (int step = 0; step < steps; step++) {
                    if (cancelled) {
                        throw new CancellationException("training cancelled in epoch " + epoch);
                    }
                    int from = step * hp.batchSize();
                    Batch batch = step == steps - 1 ? last : full;
                    batch.fill(data, order, from);
                    accuracy.labels = batch.labelIndex;
                    net.fit(batch.features, batch.labels);
                    lossSum += net.score() * batch.size;
                    long seen = Math.min((long) from + batch.size, data.count());
                    progress.stepDone(epoch, step + 1, steps, seen, lossSum / seen, accuracy.value(),
                            System.nanoTime() - epochStart);
                }
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                EpochStats stats = new EpochStats(epoch, lossSum / data.count(), accuracy.value(), seconds,
                        data.count() / seconds);
                history.add(stats);
                progress.epochDone(stats, hp.epochs());
            }
        } finally {
            full.close();
            last.close();
            net.setListeners();
        }
        return new Result(net, List.copyOf(history), (System.nanoTime() - start) / 1e9);
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** One reused pair of feature and label arrays, filled in place for every step. */
    private static final class Batch implements AutoCloseable {
        final int size;
        final INDArray features;
        final INDArray labels;
        final int[] labelIndex;

        Batch(int size) {
            this.size = size;
            this.features = Nd4j.create(DataType.FLOAT, size, PIXELS);
            this.labels = Nd4j.create(DataType.FLOAT, size, SeedNetwork.CLASSES);
            this.labelIndex = new int[size];
        }

        void fill(MnistSplit data, int[] order, int from) {
            FloatBuffer x = features.data().asNioFloat();
            FloatBuffer y = labels.data().asNioFloat();
            byte[] images = data.images();
            for (int i = 0; i < size; i++) {
                int index = order[from + i];
                int src = index * PIXELS;
                int dst = i * PIXELS;
                for (int p = 0; p < PIXELS; p++) {
                    x.put(dst + p, (images[src + p] & 0xFF) / 255f);
                }
                int label = data.labels()[index];
                labelIndex[i] = label;
                for (int c = 0; c < SeedNetwork.CLASSES; c++) {
                    y.put(i * SeedNetwork.CLASSES + c, c == label ? 1f : 0f);
                }
            }
        }

        @Override
        public void close() {
            features.close();
            labels.close();
        }
    }

    /**
     * Keras reports the accuracy of the forward pass each step made. DL4J's forward pass during
     * fit() stops before the output layer, so we finish it here: argmax(hidden . W + b) equals the
     * argmax of the softmax, at 1/100 of a step's work instead of a second full forward pass.
     */
    private static final class RunningAccuracy extends BaseTrainingListener {
        int[] labels;
        long correct;
        long seen;

        void reset() {
            correct = 0;
            seen = 0;
        }

        double value() {
            return seen == 0 ? 0 : (double) correct / seen;
        }

        @Override
        public void onForwardPass(Model model, List<INDArray> activations) {
            MultiLayerNetwork net = (MultiLayerNetwork) model;
            int out = net.getnLayers() - 1;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                INDArray hidden = activations.get(activations.size() - 1);
                INDArray logits = hidden.mmul(net.getLayer(out).getParam("W")).addiRowVector(net.getLayer(out).getParam("b"));
                long[] predicted = logits.argMax(1).toLongVector();
                for (int i = 0; i < predicted.length; i++) {
                    if (predicted[i] == labels[i]) {
                        correct++;
                    }
                }
                seen += predicted.length;
                logits.close();
            }
        }
    }
}
