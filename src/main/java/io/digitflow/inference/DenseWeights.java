package io.digitflow.inference;

import io.digitflow.Shape;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameters of the seed network (Dense 784-512 ReLU, Dense 512-10 softmax) as row-major
 * float arrays, the form the native kernel packs from. Any other network is refused here, in Java,
 * with a message that says what differs.
 */
public record DenseWeights(float[] w1, float[] b1, float[] w2, float[] b2) {

    public static final int PIXELS = Shape.PIXELS;
    public static final int HIDDEN = Shape.HIDDEN;
    private static final String RUNS = "the native kernel runs " + Shape.NETWORK;

    public DenseWeights {
        requireLength("first layer weights", w1, PIXELS * HIDDEN);
        requireLength("first layer biases", b1, HIDDEN);
        requireLength("second layer weights", w2, HIDDEN * Classifier.CLASSES);
        requireLength("second layer biases", b2, Classifier.CLASSES);
    }

    /** The weights of {@code network}, which must have exactly the seed network's shape. */
    public static DenseWeights of(MultiLayerNetwork network) {
        if (network.getnLayers() != 2) {
            throw new IllegalArgumentException(RUNS + "; this network has " + network.getnLayers() + " layers");
        }
        requireLayer(network.getLayerWiseConfigurations().getConf(0).getLayer(), DenseLayer.class, PIXELS, HIDDEN,
                ActivationReLU.class, 0);
        requireLayer(network.getLayerWiseConfigurations().getConf(1).getLayer(), OutputLayer.class, HIDDEN,
                Classifier.CLASSES, ActivationSoftmax.class, 1);
        return new DenseWeights(rowMajor(network.getParam("0_W")), rowMajor(network.getParam("0_b")),
                rowMajor(network.getParam("1_W")), rowMajor(network.getParam("1_b")));
    }

    private static void requireLayer(Layer layer, Class<?> kind, int in, int out, Class<?> activation, int index) {
        boolean fits = kind.isInstance(layer)
                && ((FeedForwardLayer) layer).getNIn() == in
                && ((FeedForwardLayer) layer).getNOut() == out
                && activation.isInstance(((BaseLayer) layer).getActivationFn());
        if (!fits) {
            throw new IllegalArgumentException(String.format(
                    "%s; layer %d is %s", RUNS, index, describe(layer)));
        }
    }

    private static String describe(Layer layer) {
        if (layer instanceof FeedForwardLayer ff && layer instanceof BaseLayer base) {
            return String.format("%s(%d->%d, %s)", layer.getClass().getSimpleName(), ff.getNIn(), ff.getNOut(),
                    base.getActivationFn());
        }
        return layer.getClass().getSimpleName();
    }

    private static float[] rowMajor(INDArray parameter) {
        return parameter.dup('c').data().asFloat();
    }

    private static void requireLength(String what, float[] values, int length) {
        if (values == null || values.length != length) {
            throw new IllegalArgumentException(what + ": expected " + length + " values, got "
                    + (values == null ? "none" : values.length));
        }
    }
}
