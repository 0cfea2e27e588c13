package io.digitflow.cli;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.data.MnistAugmenter;
import io.digitflow.data.MnistData;
import io.digitflow.model.Hyperparameters;
import io.digitflow.model.ModelStore;
import io.digitflow.model.TrainingJob;
import io.digitflow.platform.Nd4jRuntime;
import io.quarkus.logging.Log;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code digitflow train}: trains the seed network on MNIST and saves a versioned model. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the seed network (Flatten 28x28 -> Dense 512 ReLU -> Dense 10 softmax, RMSprop) "
                + "on the MNIST training set, evaluate it on the 10k test set and save it as a new model version.",
                "Shows Keras-style progress; the defaults reproduce the Keras reference (~0.98 test accuracy)."})
public class TrainCommand implements Callable<Integer> {

    @Option(names = "--epochs", defaultValue = "" + Hyperparameters.DEFAULT_EPOCHS,
            description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "" + Hyperparameters.DEFAULT_BATCH_SIZE,
            description = "Images per training step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "" + Hyperparameters.DEFAULT_LEARNING_RATE,
            description = "RMSprop learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--seed", defaultValue = "" + Hyperparameters.DEFAULT_SEED,
            description = "Seed for weight initialisation and shuffling; the same seed gives the same model "
                    + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Folder to write the model to (must not exist). Default: a new version in <home>/models.")
    Path output;

    @Option(names = "--augment",
            description = "Train on the digits redrawn with random shifts, scale, stroke width and noise, for "
                    + "robustness to photographed and scanned pictures; the default is the exact MNIST recipe.")
    boolean augment;

    @Mixin
    DataOptions data;

    private final DigitflowConfig config;

    @Inject
    public TrainCommand(DigitflowConfig config) {
        this.config = config;
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        Hyperparameters hp = new Hyperparameters(epochs, batchSize, learningRate, Hyperparameters.DEFAULT_RHO,
                Hyperparameters.DEFAULT_EPSILON, seed);
        MnistData mnist = data.repository(config).load();
        if (augment) {
            mnist = new MnistData(MnistAugmenter.augment(mnist.train(), seed), mnist.test(), mnist.sha256(),
                    mnist.source() + " (training digits augmented, seed " + seed + ")");
        }
        Log.infof("ND4J: %s", Nd4jRuntime.describe().summary());
        out.printf(Locale.ROOT, "MNIST: %,d training and %,d test images from %s%n",
                mnist.train().count(), mnist.test().count(), mnist.source());
        TrainingJob.Outcome outcome = new TrainingJob().run(mnist, hp, new ModelStore(config.modelDir()), output,
                new TrainingProgressBar(out, System.console() != null));
        out.printf(Locale.ROOT, "Test loss: %.4f - test accuracy: %.4f%n",
                outcome.evaluation().loss(), outcome.evaluation().accuracy());
        out.printf(Locale.ROOT, "Saved model %s to %s (trained in %.1fs)%n", outcome.artifact().version(),
                outcome.artifact().folder(), outcome.artifact().metadata().trainingSeconds());
        return 0;
    }
}
