package io.digitflow.stream;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cheap window on the stream for the web console: a few sampled predictions and dead letters a
 * second, and the answers to records the console itself sent ("try it").
 *
 * <p>Its cost on the data path is two field reads per poll batch while nobody watches: a sample is
 * taken at most every {@link #SAMPLE_EVERY_NANOS}, and records are compared with the console's key
 * prefix only while one of its requests is pending. Samples are handed over once the broker has the
 * outputs they stand for, so what the console shows is on the output topics. Memory is bounded: the
 * last {@link #KEPT} samples of each kind and at most {@link #MAX_PENDING} pending requests.
 */
@ApplicationScoped
public class StreamTap {

    /** Keys of records the console sends start with this; nothing else is watched for. */
    public static final String CONSOLE_KEY_PREFIX = "console-";
    /** At most five sampled predictions a second, whatever the throughput. */
    static final long SAMPLE_EVERY_NANOS = 200_000_000L;
    /** Samples kept of each kind. */
    public static final int KEPT = 32;
    /** Console requests waiting for their answer at once. */
    public static final int MAX_PENDING = 64;

    /** One prediction as the console shows it: the 28×28 the model saw, its answer, where it is. */
    public record Sample(String key, byte[] pixels, int digit, float[] probabilities, String model,
                         int partition, long offset, double latencyMs, long timestamp) {
    }

    /** One dead letter as the console shows it: the reason and the input's position, not its bytes. */
    public record DeadLetter(String key, String reason, String detail, int partition, long offset,
                             Map<String, String> headers, long timestamp) {
    }

    /** What one poll batch contributed; taken by {@link BatchProcessor}, handed over by {@link ImageStream}. */
    public record Taken(List<Sample> predictions, List<DeadLetter> deadLetters, int[] confusion) {
        static final Taken NONE = new Taken(List.of(), List.of(), null);

        public Taken(List<Sample> predictions, List<DeadLetter> deadLetters) {
            this(predictions, deadLetters, null);
        }

        public boolean isEmpty() {
            return predictions.isEmpty() && deadLetters.isEmpty() && confusion == null;
        }
    }

    /**
     * Header carrying an image's true digit (one ASCII digit), as {@code send --mnist-test} sets it;
     * while a console page is open, labelled predictions fill the console's confusion matrix.
     */
    public static final String LABEL_HEADER = "digitflow-label";

    /** What a console request got: a prediction, or the reason it was dead-lettered. */
    public record Answer(Optional<Sample> prediction, Optional<DeadLetter> deadLetter) {
    }

    private final AtomicLong nextSample = new AtomicLong(System.nanoTime());
    private final AtomicLong nextDeadLetter = new AtomicLong(System.nanoTime());
    private final Map<String, CompletableFuture<Answer>> pending = new ConcurrentHashMap<>();
    private volatile boolean watching;
    private volatile boolean viewed;
    /** Labelled predictions while viewed, [label * 10 + predicted]. */
    private final long[] confusion = new long[100];
    private final ArrayDeque<Sample> predictions = new ArrayDeque<>(KEPT);
    private final ArrayDeque<DeadLetter> deadLetters = new ArrayDeque<>(KEPT);
    private long sampled;

    /** True at most once per {@link #SAMPLE_EVERY_NANOS}: this poll batch should give one sample. */
    boolean sampleDue() {
        return due(nextSample);
    }

    /** Asked only when a record is dead-lettered: true at most once per {@link #SAMPLE_EVERY_NANOS}. */
    boolean deadLetterDue() {
        return due(nextDeadLetter);
    }

    private static boolean due(AtomicLong next) {
        long at = next.get();
        long now = System.nanoTime();
        return now - at >= 0 && next.compareAndSet(at, now + SAMPLE_EVERY_NANOS);
    }

    /** True while a console request is pending, so records with the console's key prefix are wanted. */
    boolean watching() {
        return watching;
    }

    /** True while a console page is open: only then are labels read for the confusion matrix. */
    boolean viewed() {
        return viewed;
    }

    /** The console says whether a page is open. */
    public void viewed(boolean open) {
        viewed = open;
    }

    static boolean isConsoleKey(String key) {
        return key != null && key.startsWith(CONSOLE_KEY_PREFIX);
    }

    /**
     * Registers a console request before its record is sent; the future completes once the broker has
     * its answer, or empty if the request cannot be watched (too many pending).
     */
    public Optional<CompletableFuture<Answer>> expect(String key) {
        if (!isConsoleKey(key)) {
            throw new IllegalArgumentException("console keys start with " + CONSOLE_KEY_PREFIX);
        }
        synchronized (pending) {
            if (pending.size() >= MAX_PENDING) {
                return Optional.empty();
            }
            CompletableFuture<Answer> answer = new CompletableFuture<>();
            pending.put(key, answer);
            watching = true;
            answer.whenComplete((a, e) -> forget(key));
            return Optional.of(answer);
        }
    }

    /** Stops waiting for {@code key} (answered, timed out or failed to send). */
    public void forget(String key) {
        synchronized (pending) {
            pending.remove(key);
            watching = !pending.isEmpty();
        }
    }

    /** Called once the broker acknowledged the outputs that {@code taken} stands for. */
    void delivered(Taken taken) {
        if (taken.isEmpty()) {
            return;
        }
        synchronized (this) {
            for (Sample sample : taken.predictions()) {
                keep(predictions, sample);
                sampled++;
            }
            taken.deadLetters().forEach(letter -> keep(deadLetters, letter));
            if (taken.confusion() != null) {
                for (int i = 0; i < confusion.length; i++) {
                    confusion[i] += taken.confusion()[i];
                }
            }
        }
        for (Sample sample : taken.predictions()) {
            answer(sample.key(), new Answer(Optional.of(sample), Optional.empty()));
        }
        for (DeadLetter letter : taken.deadLetters()) {
            answer(letter.key(), new Answer(Optional.empty(), Optional.of(letter)));
        }
    }

    private void answer(String key, Answer answer) {
        if (isConsoleKey(key)) {
            CompletableFuture<Answer> waiting = pending.get(key);
            if (waiting != null) {
                waiting.complete(answer);
            }
        }
    }

    private static <T> void keep(ArrayDeque<T> kept, T item) {
        if (kept.size() == KEPT) {
            kept.removeFirst();
        }
        kept.addLast(item);
    }

    /** The latest sampled predictions, oldest first, and how many were sampled in all. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(new ArrayList<>(predictions), new ArrayList<>(deadLetters), sampled, confusion.clone());
    }

    /** A copy of what the tap holds now; {@code confusion} is [label * 10 + predicted]. */
    public record Snapshot(List<Sample> predictions, List<DeadLetter> deadLetters, long sampled, long[] confusion) {
    }
}
