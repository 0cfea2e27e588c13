package io.digitflow.model;

import io.digitflow.Shape;
import io.digitflow.UserException;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The classic Keras MNIST network in DL4J: Flatten(28x28) -> Dense(512, ReLU) -> Dense(10, softmax),
 * Glorot-uniform weights and zero biases (Keras' defaults), RMSprop, cross-entropy.
 */
public final class SeedNetwork {

    public static final int ROWS = Shape.SIDE;
    public static final int COLS = Shape.SIDE;
    public static final int INPUTS = Shape.PIXELS;
    public static final int HIDDEN = Shape.HIDDEN;
    public static final int CLASSES = Shape.CLASSES;
    public static final String DESCRIPTION = Shape.NETWORK;

    private SeedNetwork() {
    }

    /** A freshly initialised network; the same seed gives the same initial weights. */
    public static MultiLayerNetwork build(Hyperparameters hp) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(hp.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER_UNIFORM) // = Keras glorot_uniform: U(+-sqrt(6 / (fanIn + fanOut)))
                .biasInit(0.0)
                .updater(new RmsProp(hp.learningRate(), hp.rho(), hp.epsilon()))
                .list()
                .layer(new DenseLayer.Builder().nIn(INPUTS).nOut(HIDDEN).activation(Activation.RELU).build())
                // Softmax + MCXENT on one-hot labels is Keras' sparse categorical cross-entropy.
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(HIDDEN).nOut(CLASSES).activation(Activation.SOFTMAX).build())
                // The flattened 28x28 image: rows of 784 pixels, no preprocessor needed.
                .setInputType(InputType.convolutionalFlat(ROWS, COLS, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Refuses any network that does not take 784 pixels and give 10 classes. */
    public static void checkArchitecture(MultiLayerNetwork net, String source) {
        int layers = net.getnLayers();
        long in = layers == 0 ? -1 : net.layerInputSize(0);
        long out = layers == 0 ? -1 : net.layerSize(layers - 1);
        if (in != INPUTS || out != CLASSES) {
            throw new UserException(source + ": model takes " + in + " inputs and gives " + out
                    + " outputs; digitflow needs " + INPUTS + " inputs (28x28 pixels) and " + CLASSES + " outputs");
        }
    }
}
