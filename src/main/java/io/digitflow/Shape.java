package io.digitflow;

/**
 * The one place the network's shape is written: a 28×28 grey image, flattened to 784 inputs, one
 * hidden layer of 512 ReLU units, 10 softmax outputs (the digits 0-9). Every other constant of these
 * sizes (the seed network, the input decoder, the engines, the native kernel's checks) reads these.
 */
public final class Shape {

    /** Side of the square image, in pixels. */
    public static final int SIDE = 28;
    /** Pixels of one image, the network's inputs. */
    public static final int PIXELS = SIDE * SIDE;
    /** Units of the hidden layer. */
    public static final int HIDDEN = 512;
    /** Outputs: one probability per digit. */
    public static final int CLASSES = 10;
    /** The network in words, for messages. */
    public static final String NETWORK = "Flatten(" + SIDE + "x" + SIDE + ") -> Dense(" + HIDDEN
            + ", relu) -> Dense(" + CLASSES + ", softmax)";

    private Shape() {
    }
}
