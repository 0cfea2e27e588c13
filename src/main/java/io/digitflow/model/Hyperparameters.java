package io.digitflow.model;

import io.digitflow.UserException;

/**
 * The training settings of the seed network. Defaults are the Keras reference: RMSprop with
 * lr 0.001, rho 0.9, epsilon 1e-7, batch 128, 5 epochs.
 */
public record Hyperparameters(int epochs, int batchSize, double learningRate, double rho, double epsilon, long seed) {

    public static final int DEFAULT_EPOCHS = 5;
    public static final int DEFAULT_BATCH_SIZE = 128;
    public static final double DEFAULT_LEARNING_RATE = 0.001;
    public static final double DEFAULT_RHO = 0.9;
    public static final double DEFAULT_EPSILON = 1e-7;
    public static final long DEFAULT_SEED = 42;

    public Hyperparameters {
        if (epochs < 1) {
            throw new UserException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new UserException("batch size must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new UserException("learning rate must be a positive number, got " + learningRate);
        }
        if (!(rho > 0 && rho < 1)) {
            throw new UserException("rho must be in (0, 1), got " + rho);
        }
        if (!(epsilon > 0)) {
            throw new UserException("epsilon must be positive, got " + epsilon);
        }
    }

    public static Hyperparameters defaults() {
        return new Hyperparameters(DEFAULT_EPOCHS, DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, DEFAULT_RHO,
                DEFAULT_EPSILON, DEFAULT_SEED);
    }
}
