package io.digitflow.web;

import io.digitflow.Shape;
import io.digitflow.inference.Classifier;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Micro-batches of HTTP inference requests: shared engine calls, a bounded queue, the serving model followed. */
class InferenceBatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Answers each image's first pixel as its digit; the first call waits until released. */
    static final class GatedClassifier implements Classifier {
        final String version;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release;
        final List<Integer> calls;

        GatedClassifier(String version, CountDownLatch release, List<Integer> calls) {
            this.version = version;
            this.release = release;
            this.calls = calls;
        }

        @Override
        public String version() {
            return version;
        }

        @Override
        public String engine() {
            return "test";
        }

        @Override
        public void classify(byte[][] images, int count, float[] out) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            calls.add(count);
            for (int i = 0; i < count; i++) {
                out[i * CLASSES + images[i][0]] = 1f;
            }
        }

        @Override
        public Classifier copy() {
            return this;
        }

        @Override
        public void close() {
        }
    }

    private static byte[][] images(int... digits) {
        byte[][] images = new byte[digits.length][Shape.PIXELS];
        for (int i = 0; i < digits.length; i++) {
            images[i][0] = (byte) digits[i];
        }
        return images;
    }

    private static int digit(InferenceBatcher.Result result, int i) {
        return Classifier.argmax(result.probabilities(), i);
    }

    @Test
    void requestsWaitingTogetherShareOneEngineCallAndEachGetsItsOwnAnswers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> calls = new CopyOnWriteArrayList<>();
        GatedClassifier engine = new GatedClassifier("v1", release, calls);
        try (InferenceBatcher batcher = new InferenceBatcher(() -> Optional.of(engine), 64, Duration.ofMillis(1), 100)) {
            CompletableFuture<InferenceBatcher.Result> first = batcher.submit(images(3)).orElseThrow();
            assertThat(engine.entered.await(30, TimeUnit.SECONDS)).isTrue();
            // The engine is busy with the first: these queue up and go in the next call together.
            CompletableFuture<InferenceBatcher.Result> second = batcher.submit(images(1, 4)).orElseThrow();
            CompletableFuture<InferenceBatcher.Result> third = batcher.submit(images(5, 9, 2)).orElseThrow();
            release.countDown();
            assertThat(digit(first.get(30, TimeUnit.SECONDS), 0)).isEqualTo(3);
            InferenceBatcher.Result two = second.get(30, TimeUnit.SECONDS);
            InferenceBatcher.Result three = third.get(30, TimeUnit.SECONDS);
            assertThat(List.of(digit(two, 0), digit(two, 1))).containsExactly(1, 4);
            assertThat(List.of(digit(three, 0), digit(three, 1), digit(three, 2))).containsExactly(5, 9, 2);
            assertThat(two.probabilities()).hasSize(2 * Classifier.CLASSES);
            assertThat(two.version()).isEqualTo("v1");
            assertThat(calls).containsExactly(1, 5);
            assertThat(batcher.queuedImages()).isZero();
        }
    }

    @Test
    void aRequestThatWouldQueueTooManyImagesIsRefusedAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GatedClassifier engine = new GatedClassifier("v1", release, new CopyOnWriteArrayList<>());
        try (InferenceBatcher batcher = new InferenceBatcher(() -> Optional.of(engine), 64, Duration.ofMillis(1), 4)) {
            CompletableFuture<InferenceBatcher.Result> busy = batcher.submit(images(1, 2)).orElseThrow();
            assertThat(engine.entered.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(batcher.submit(images(3, 4))).isPresent();
            assertThat(batcher.submit(images(5))).as("4 images waiting or in the engine already").isEmpty();
            release.countDown();
            busy.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRequestLargerThanOneEngineCallIsSplitAcrossCalls() throws Exception {
        List<Integer> calls = new CopyOnWriteArrayList<>();
        GatedClassifier engine = new GatedClassifier("v1", new CountDownLatch(0), calls);
        try (InferenceBatcher batcher = new InferenceBatcher(() -> Optional.of(engine), 4, Duration.ofMillis(1), 100)) {
            InferenceBatcher.Result result = batcher.submit(images(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)).orElseThrow()
                    .get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 10; i++) {
                assertThat(digit(result, i)).isEqualTo(i);
            }
            assertThat(calls).containsExactly(4, 4, 2);
        }
    }

    @Test
    void followsTheServingModelAndFailsWhileThereIsNone() throws Exception {
        AtomicReference<Classifier> serving = new AtomicReference<>();
        try (InferenceBatcher batcher = new InferenceBatcher(() -> Optional.ofNullable(serving.get()), 64,
                Duration.ofMillis(1), 100)) {
            CompletableFuture<InferenceBatcher.Result> none = batcher.submit(images(1)).orElseThrow();
            assertThatThrownBy(() -> none.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(InferenceBatcher.NotReadyException.class);
            serving.set(new GatedClassifier("v1", new CountDownLatch(0), new CopyOnWriteArrayList<>()));
            assertThat(batcher.submit(images(1)).orElseThrow().get(30, TimeUnit.SECONDS).version()).isEqualTo("v1");
            serving.set(new GatedClassifier("v2", new CountDownLatch(0), new CopyOnWriteArrayList<>()));
            assertThat(batcher.submit(images(1)).orElseThrow().get(30, TimeUnit.SECONDS).version()).isEqualTo("v2");
            assertThat(batcher.queuedImages()).isZero();
        }
    }

    /** A canary answers the request ids its hash picks, as it would records with those keys; no id: serving. */
    @Test
    void aCanaryAnswersTheRequestIdsItsHashPicks() throws Exception {
        GatedClassifier serving = new GatedClassifier("v1", new CountDownLatch(0), new CopyOnWriteArrayList<>());
        GatedClassifier candidate = new GatedClassifier("v2", new CountDownLatch(0), new CopyOnWriteArrayList<>());
        AtomicReference<InferenceBatcher.Canary> canary = new AtomicReference<>(new InferenceBatcher.Canary(candidate, 30));
        try (InferenceBatcher batcher = new InferenceBatcher(() -> Optional.of(serving),
                () -> Optional.ofNullable(canary.get()), 64, Duration.ofMillis(1), 10_000)) {
            java.util.List<CompletableFuture<InferenceBatcher.Result>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(batcher.submit(images(i % 10), "request-" + i).orElseThrow());
            }
            int onCandidate = 0;
            for (int i = 0; i < 200; i++) {
                InferenceBatcher.Result result = answers.get(i).get(30, TimeUnit.SECONDS);
                boolean expected = io.digitflow.stream.CanaryRoute.toCandidate("request-" + i, 30);
                assertThat(result.version()).as("request-" + i).isEqualTo(expected ? "v2" : "v1");
                assertThat(digit(result, 0)).isEqualTo(i % 10);
                onCandidate += expected ? 1 : 0;
            }
            assertThat(onCandidate).isBetween(30, 90);
            assertThat(batcher.submit(images(3)).orElseThrow().get(30, TimeUnit.SECONDS).version()).isEqualTo("v1");
            canary.set(null);
            assertThat(batcher.submit(images(3), "request-" + firstPicked()).orElseThrow().get(30, TimeUnit.SECONDS)
                    .version()).as("canary ended").isEqualTo("v1");
        }
    }

    /**
     * The stream takes whole waiting requests that fit its room, in order, never one a canary would answer; the
     * rest are answered by the batcher's own thread.
     */
    @Test
    void theStreamTakesWholeWaitingRequestsThatFitAndLeavesTheRest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GatedClassifier serving = new GatedClassifier("v1", release, new CopyOnWriteArrayList<>());
        GatedClassifier candidate = new GatedClassifier("v2", new CountDownLatch(0), new CopyOnWriteArrayList<>());
        try (InferenceBatcher batcher = new InferenceBatcher(() -> Optional.of(serving),
                () -> Optional.of(new InferenceBatcher.Canary(candidate, 30)), 64, Duration.ofMillis(1), 10_000)) {
            // The batcher's own thread is held in its first engine call; the next requests wait in the queue.
            CompletableFuture<InferenceBatcher.Result> held = batcher.submit(images(1)).orElseThrow();
            assertThat(serving.entered.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<InferenceBatcher.Result> a = batcher.submit(images(2, 3)).orElseThrow();
            CompletableFuture<InferenceBatcher.Result> b = batcher.submit(images(4, 5, 6)).orElseThrow();
            CompletableFuture<InferenceBatcher.Result> c = batcher.submit(images(7, 8)).orElseThrow();
            assertThat(batcher.take(0)).isNull();
            io.digitflow.stream.SharedEngineWork.Taken taken = batcher.take(6);
            assertThat(taken.count()).as("a and b whole; c does not fit").isEqualTo(5);
            float[] probabilities = new float[(3 + 5) * 10];
            for (int i = 0; i < 5; i++) {
                probabilities[(3 + i) * 10 + taken.images()[i][0]] = 1f;
            }
            taken.complete(probabilities, 30, "v1");
            assertThat(digit(a.get(30, TimeUnit.SECONDS), 1)).isEqualTo(3);
            assertThat(digit(b.get(30, TimeUnit.SECONDS), 2)).isEqualTo(6);
            assertThat(batcher.rodeAlong()).isEqualTo(5);
            // A request the canary picks stays for the batcher, and so does what waits behind it.
            CompletableFuture<InferenceBatcher.Result> canaryBound = batcher.submit(images(9), "request-" + firstPicked())
                    .orElseThrow();
            assertThat(batcher.take(64).count()).as("only c").isEqualTo(2);
            release.countDown();
            assertThat(held.get(30, TimeUnit.SECONDS).version()).isEqualTo("v1");
            assertThat(canaryBound.get(30, TimeUnit.SECONDS).version()).isEqualTo("v2");
            assertThat(batcher.queuedImages()).as("c was taken but never completed").isEqualTo(2);
        }
    }

    private static int firstPicked() {
        int i = 0;
        while (!io.digitflow.stream.CanaryRoute.toCandidate("request-" + i, 30)) {
            i++;
        }
        return i;
    }

    @Test
    void closingFailsWhatIsStillWaiting() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GatedClassifier engine = new GatedClassifier("v1", release, new CopyOnWriteArrayList<>());
        InferenceBatcher batcher = new InferenceBatcher(() -> Optional.of(engine), 1, Duration.ofMillis(1), 100);
        batcher.submit(images(1)).orElseThrow();
        assertThat(engine.entered.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<InferenceBatcher.Result> waiting = batcher.submit(images(2)).orElseThrow();
        batcher.close();
        release.countDown();
        assertThatThrownBy(() -> waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("stopping");
        assertThat(batcher.submit(images(3))).isEmpty();
    }
}
