package io.digitflow.control;

import io.digitflow.model.EpochStats;
import io.digitflow.model.Trainer;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * Bounds training's CPU share: after each step the training thread rests in proportion to the time
 * the step took ({@code share} 0.5 = rest as long as it worked), so inference on the same cores gets
 * them back. Also reports each finished epoch. Runs on the training thread.
 */
final class ThrottledProgress implements Trainer.Progress {

    private final double share;
    private final BiConsumer<EpochStats, Integer> epochDone;
    private long stepStart = System.nanoTime();

    ThrottledProgress(double share, BiConsumer<EpochStats, Integer> epochDone) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("digitflow.training.cpu-share must be in (0, 1], got " + share);
        }
        this.share = share;
        this.epochDone = epochDone;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int steps) {
        stepStart = System.nanoTime();
    }

    @Override
    public void stepDone(int epoch, int step, int steps, long images, double loss, double accuracy, long elapsed) {
        long worked = System.nanoTime() - stepStart;
        if (share < 1) {
            // A duty cycle, not a wait for anything: cancel() is still seen at the next step.
            LockSupport.parkNanos((long) (worked * (1 - share) / share));
        }
        stepStart = System.nanoTime();
    }

    @Override
    public void epochDone(EpochStats stats, int epochs) {
        epochDone.accept(stats, epochs);
    }
}
