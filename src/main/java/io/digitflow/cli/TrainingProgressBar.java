package io.digitflow.cli;

import io.digitflow.model.EpochStats;
import io.digitflow.model.Trainer;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Keras-style training output: "Epoch 1/5", then one line per epoch with a bar, steps, elapsed time,
 * images/s, running loss and accuracy. On a terminal the line is redrawn live (at most ten times a
 * second); into a pipe or log only the finished line is written.
 */
final class TrainingProgressBar implements Trainer.Progress {

    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean live;
    private long lastDraw;
    private int steps;

    TrainingProgressBar(PrintStream out, boolean live) {
        this.out = out;
        this.live = live;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int steps) {
        out.printf("Epoch %d/%d%n", epoch, epochs);
        this.steps = steps;
        lastDraw = 0;
    }

    @Override
    public void stepDone(int epoch, int step, int steps, long images, double loss, double accuracy, long elapsedNanos) {
        if (!live || step == steps || elapsedNanos - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = elapsedNanos;
        out.print("\r" + line(step, steps, elapsedNanos / 1e9, images / (elapsedNanos / 1e9), loss, accuracy));
        out.flush();
    }

    @Override
    public void epochDone(EpochStats stats, int epochs) {
        String line = line(steps, steps, stats.seconds(), stats.imagesPerSecond(), stats.loss(), stats.accuracy());
        out.print((live ? "\r" : "") + line + System.lineSeparator());
        out.flush();
    }

    static String line(int step, int steps, double seconds, double imagesPerSecond, double loss, double accuracy) {
        return String.format(Locale.ROOT, "%d/%d %s - %.1fs %,.0f img/s - loss: %.4f - accuracy: %.4f",
                step, steps, ProgressBars.bar(step, steps), seconds, imagesPerSecond, loss, accuracy);
    }
}
