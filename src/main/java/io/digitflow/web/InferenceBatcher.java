package io.digitflow.web;

import io.digitflow.inference.Classifier;
import io.digitflow.inference.FollowingClassifier;
import io.digitflow.stream.CanaryRoute;
import io.digitflow.stream.SharedEngineWork;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Gathers inference requests into engine calls: one thread takes the first request waiting, waits at most
 * {@code maxWait} for more until {@code maxBatch} images, classifies them in one call and completes each
 * request with its share of the probabilities. Bounded: at most {@code maxQueuedImages} images wait, a
 * request that would make more is refused at once ({@link #submit} answers empty), so a burst costs the
 * caller a retry and this process no memory.
 *
 * <p>The classifier comes from {@code serving} (the serving model's, copied for this thread) and follows it
 * when the model changes; each result names the version that computed it. While a canary runs, a request whose
 * id the canary's key hash picks ({@link CanaryRoute}, as for a record key) is answered by the candidate; the
 * two groups of a batch are classified in an engine call each.
 *
 * <p>While the stream runs, its inference thread takes waiting requests into the serving model's engine calls that
 * have room ({@link #take}): under load, requests ride along with the stream instead of costing calls of their own.
 */
final class InferenceBatcher implements AutoCloseable, SharedEngineWork {

    /** The probabilities of a request's images, ten per image, and the model version that computed them. */
    record Result(float[] probabilities, String version) {
    }

    /** No model is loaded yet. */
    static final class NotReadyException extends RuntimeException {
        NotReadyException() {
            super("no model is loaded yet", null, false, false);
        }
    }

    /** A canary running: this share of request ids goes to the candidate. */
    record Canary(Classifier prototype, int percent) {
    }

    private record Job(byte[][] images, String id, CompletableFuture<Result> result) {
    }

    private final int maxBatch;
    private final long maxWaitNanos;
    private final int maxQueuedImages;
    private final LinkedBlockingDeque<Job> queue = new LinkedBlockingDeque<>();
    /** Images answered in the stream's engine calls, since start. */
    private final java.util.concurrent.atomic.AtomicLong rode = new java.util.concurrent.atomic.AtomicLong();
    private final Object lock = new Object();
    private int queuedImages;
    private Thread worker;
    private volatile boolean closed;
    /** Used by the worker thread only. */
    private final FollowingClassifier classifier;
    private final FollowingClassifier candidate;
    private final Supplier<Optional<Canary>> canary;
    /** A job taken from the queue that did not fit the batch before it: the next batch starts with it. */
    private Job carried;

    InferenceBatcher(Supplier<Optional<Classifier>> serving, int maxBatch, Duration maxWait, int maxQueuedImages) {
        this(serving, Optional::empty, maxBatch, maxWait, maxQueuedImages);
    }

    InferenceBatcher(Supplier<Optional<Classifier>> serving, Supplier<Optional<Canary>> canary, int maxBatch,
                     Duration maxWait, int maxQueuedImages) {
        this.classifier = new FollowingClassifier(serving, NotReadyException::new);
        this.canary = canary;
        this.candidate = new FollowingClassifier(() -> canary.get().map(Canary::prototype), NotReadyException::new);
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.maxQueuedImages = maxQueuedImages;
    }

    /**
     * Queues {@code images} (784 bytes each) for classification; empty when the queue holds too many
     * images already. The future fails with {@link NotReadyException} when no model is loaded.
     */
    Optional<CompletableFuture<Result>> submit(byte[][] images) {
        return submit(images, null);
    }

    /** As {@link #submit(byte[][])}, for a request with an id (null for none): a canary may answer it. */
    Optional<CompletableFuture<Result>> submit(byte[][] images, String id) {
        synchronized (lock) {
            if (closed || queuedImages + images.length > maxQueuedImages) {
                return Optional.empty();
            }
            queuedImages += images.length;
            if (worker == null) {
                worker = new Thread(this::run, "digitflow-v2-inference");
                worker.setDaemon(true);
                worker.start();
            }
        }
        Job job = new Job(images, id, new CompletableFuture<>());
        queue.add(job);
        return Optional.of(job.result());
    }

    /**
     * Whole requests waiting now, at most {@code room} images, for the stream's next engine call of the serving model;
     * null when none. A request a running canary would answer is left to this batcher's own thread, and so is
     * everything behind it.
     */
    @Override
    public SharedEngineWork.Taken take(int room) {
        if (queue.isEmpty()) {
            return null;
        }
        Canary running = canary.get().orElse(null);
        List<Job> taken = new ArrayList<>();
        int images = 0;
        Job next;
        while ((next = queue.pollFirst()) != null) {
            boolean toCandidate = running != null && next.id() != null
                    && CanaryRoute.toCandidate(next.id(), running.percent());
            if (toCandidate || images + next.images().length > room) {
                queue.offerFirst(next);
                break;
            }
            taken.add(next);
            images += next.images().length;
        }
        if (taken.isEmpty()) {
            return null;
        }
        rode.addAndGet(images);
        return new Riders(taken, images);
    }

    /** Images of requests answered in the stream's engine calls so far. */
    long rodeAlong() {
        return rode.get();
    }

    /** Requests taken into one of the stream's engine calls. */
    private final class Riders implements SharedEngineWork.Taken {
        private final List<Job> jobs;
        private final byte[][] images;

        Riders(List<Job> jobs, int count) {
            this.jobs = jobs;
            this.images = new byte[count][];
            int at = 0;
            for (Job job : jobs) {
                System.arraycopy(job.images(), 0, images, at, job.images().length);
                at += job.images().length;
            }
        }

        @Override
        public byte[][] images() {
            return images;
        }

        @Override
        public int count() {
            return images.length;
        }

        @Override
        public void complete(float[] probabilities, int offset, String version) {
            release(images.length);
            int at = offset;
            for (Job job : jobs) {
                int n = job.images().length * Classifier.CLASSES;
                float[] mine = new float[n];
                System.arraycopy(probabilities, at, mine, 0, n);
                at += n;
                job.result().complete(new Result(mine, version));
            }
        }

        @Override
        public void fail(RuntimeException cause) {
            release(images.length);
            jobs.forEach(job -> job.result().completeExceptionally(cause));
        }
    }

    /** Images waiting for the engine now. */
    int queuedImages() {
        synchronized (lock) {
            return queuedImages;
        }
    }

    private void run() {
        try {
            while (!closed) {
                List<Job> batch = gather();
                classify(batch);
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            failAll(new IllegalStateException("the service is stopping"));
            classifier.close();
            candidate.close();
        }
    }

    /** The next batch: the first job waiting, then those arriving within maxWait while they fit. */
    private List<Job> gather() throws InterruptedException {
        List<Job> batch = new ArrayList<>();
        Job first = carried != null ? carried : queue.take();
        carried = null;
        batch.add(first);
        int images = first.images().length;
        long deadline = System.nanoTime() + maxWaitNanos;
        while (images < maxBatch) {
            long left = deadline - System.nanoTime();
            Job next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            if (images + next.images().length > maxBatch) {
                carried = next;
                break;
            }
            batch.add(next);
            images += next.images().length;
        }
        return batch;
    }

    /** Classifies a gathered batch: by the serving model, or split between it and a running canary. */
    private void classify(List<Job> batch) {
        Canary running = canary.get().orElse(null);
        if (running == null) {
            candidate.close();
            classify(batch, classifier::get);
            return;
        }
        List<Job> serving = new ArrayList<>(batch.size());
        List<Job> tried = new ArrayList<>();
        for (Job job : batch) {
            (job.id() != null && CanaryRoute.toCandidate(job.id(), running.percent()) ? tried : serving).add(job);
        }
        if (!serving.isEmpty()) {
            classify(serving, classifier::get);
        }
        if (!tried.isEmpty()) {
            classify(tried, () -> candidate.get(running.prototype()));
        }
    }

    private void classify(List<Job> batch, Supplier<Classifier> model) {
        int images = 0;
        for (Job job : batch) {
            images += job.images().length;
        }
        boolean released = false;
        try {
            Classifier engine = model.get();
            byte[][] all = new byte[images][];
            int at = 0;
            for (Job job : batch) {
                System.arraycopy(job.images(), 0, all, at, job.images().length);
                at += job.images().length;
            }
            float[] out = new float[images * Classifier.CLASSES];
            // A single request may hold more images than one engine call takes.
            for (int from = 0; from < images; from += maxBatch) {
                int count = Math.min(maxBatch, images - from);
                byte[][] chunk = from == 0 && count == images ? all : java.util.Arrays.copyOfRange(all, from, from + count);
                float[] part = new float[count * Classifier.CLASSES];
                engine.classify(chunk, count, part);
                System.arraycopy(part, 0, out, from * Classifier.CLASSES, part.length);
            }
            // Before answering: a request answered no longer counts as waiting (its caller may send the next).
            release(images);
            released = true;
            at = 0;
            for (Job job : batch) {
                int n = job.images().length * Classifier.CLASSES;
                float[] mine = new float[n];
                System.arraycopy(out, at, mine, 0, n);
                at += n;
                job.result().complete(new Result(mine, engine.version()));
            }
        } catch (RuntimeException e) {
            if (!released) {
                release(images);
            }
            batch.forEach(job -> job.result().completeExceptionally(e));
        }
    }

    private void release(int images) {
        synchronized (lock) {
            queuedImages -= images;
        }
    }

    private void failAll(RuntimeException reason) {
        List<Job> left = new ArrayList<>();
        if (carried != null) {
            left.add(carried);
            carried = null;
        }
        queue.drainTo(left);
        left.forEach(job -> job.result().completeExceptionally(reason));
    }

    @Override
    public void close() {
        Thread running;
        synchronized (lock) {
            closed = true;
            running = worker;
        }
        if (running != null) {
            running.interrupt();
        } else {
            failAll(new IllegalStateException("the service is stopping"));
        }
    }
}
