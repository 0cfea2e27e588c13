package io.digitflow.stream;

import io.digitflow.Shape;
import io.digitflow.input.DecodeLimits;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.inference.Classifier;
import io.digitflow.inference.FollowingClassifier;
import io.digitflow.input.ImageDecoder;
import io.digitflow.registry.ServingModel;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.ProducerRecord;
import io.digitflow.input.InvalidInputException;
import io.digitflow.input.Reason;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Reads {@code digits.images} in poll batches and writes, in input order, a prediction to
 * {@code digits.predictions} or a dead letter to {@code digits.images.dlq} for every record.
 *
 * <p>At-least-once: a poll batch counts as done (so its offsets may be committed) only once the broker has
 * acknowledged all its outputs. Batches run one at a time on the poll thread ({@link ImagePolling}), which
 * keeps order per partition; the next batch is classified while the previous one's outputs are still in
 * flight, up to {@code digitflow.batch.max-in-flight} batches.
 *
 * <p>Exactly-once ({@code digitflow.delivery}): each poll batch's outputs and the offsets past it are
 * committed in one Kafka transaction before the next batch is classified; the poll loop commits nothing.
 * An output the broker refuses for what it is aborts the transaction, which is made again with that output
 * dead-lettered; any other failed transaction is aborted and stops the stream, like a failed send in
 * at-least-once mode: the next start resumes from the last committed one.
 */
@ApplicationScoped
public class ImageStream {

    /** The images stream's name: its consumer's settings are {@code mp.messaging.incoming.images.*}. */
    public static final String CHANNEL = "images";

    private final OutputProducer output;
    private final StreamMetrics metrics;
    private final BatchProcessor processor;
    private final Semaphore inFlight;
    private final PartitionOwnership ownership;
    /** How a classified batch reaches the broker: chosen once, from the {@link Delivery}. */
    private final BatchSender send;
    private final StreamTap tap;
    /** Used by the inference thread only. */
    private final FollowingClassifier classifier;
    /** The inference thread's classifier for the experiment's candidate, when one runs. */
    private final FollowingClassifier candidate;
    private final long shadowMaxLagMs;
    private final String dlqTopic;
    private final int maxRecordBytes;
    private final RecordBounds bounds;
    private final DigitflowConfig config;
    private final ServingModel models;
    /** Told when a batch's outputs failed and the stream must stop; set before the first batch. */
    private volatile Consumer<Throwable> failures = error -> { };
    private volatile boolean warmingUp;
    private volatile String warmedUp;

    public ImageStream(DigitflowConfig config, ServingModel models, OutputProducer output, StreamMetrics metrics,
                       PartitionOwnership ownership, StreamTap tap, Delivery delivery) {
        this.config = config;
        this.models = models;
        this.tap = tap;
        this.classifier = followServingModel();
        this.candidate = new FollowingClassifier(() -> models.experiment()
                .map(e -> e.candidate().prototype()), () -> new IllegalStateException("no experiment runs"));
        this.shadowMaxLagMs = config.shadow().maxLag().toMillis();
        this.output = output;
        this.metrics = metrics;
        this.ownership = ownership;
        this.bounds = RecordBounds.of(config);
        this.processor = processor(tap);
        this.inFlight = new Semaphore(config.batch().maxInFlight());
        this.send = delivery.transactionalId().isPresent() ? this::sendInTransaction : this::sendThenAcknowledge;
        this.dlqTopic = config.topics().deadLetters();
        this.maxRecordBytes = config.input().maxRecordBytes();
    }

    /** Who is told when the stream must stop because a batch's outputs failed (the poll loop). */
    void onFailure(Consumer<Throwable> failures) {
        this.failures = failures;
    }

    /**
     * Waits at most {@code timeout} until a batch's outputs may be sent without waiting: fewer than
     * {@code digitflow.batch.max-in-flight} batches are on their way to the broker. Poll thread only (the only
     * one that takes room), so the room found is still there for the next {@link #consume}.
     */
    boolean awaitRoom(Duration timeout) throws InterruptedException {
        if (!inFlight.tryAcquire(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
            return false;
        }
        inFlight.release();
        return true;
    }

    /** Classifies one poll batch and sends its outputs; on the poll thread, one batch at a time. */
    public void consume(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        List<ConsumerRecord<String, byte[]>> polled = new ArrayList<>(records.count());
        records.forEach(polled::add);
        PartitionOwnership.Admitted admitted = ownership.admit(polled);
        if (admitted.partitions().isEmpty()) {
            // Stopping, or every partition of it revoked since the poll: not ours to classify nor to commit.
            ownership.completed(admitted, false);
            return;
        }
        List<ConsumerRecord<String, byte[]>> list = admitted.records();
        long start = System.nanoTime();
        BatchProcessor.Output out = processor.process(list, this::classifier, this::candidate);
        metrics.batch(out, list.size(), System.nanoTime() - start);
        send.send(admitted, out);
    }

    /** Sends a classified batch's outputs and settles its offsets. */
    @FunctionalInterface
    private interface BatchSender {
        void send(PartitionOwnership.Admitted admitted, BatchProcessor.Output out) throws InterruptedException;
    }

    /**
     * At-least-once: sends the outputs without waiting (up to max-in-flight batches); the batch is done, so that
     * its offsets may be committed, once the broker has every output.
     */
    private void sendThenAcknowledge(PartitionOwnership.Admitted admitted, BatchProcessor.Output out)
            throws InterruptedException {
        List<ConsumerRecord<String, byte[]>> list = admitted.records();
        inFlight.acquire();
        output.sendAll(out.records(), (index, refusal) -> refused(list.get(out.inputIndex(index)),
                        out.records().get(index), refusal))
                .whenComplete((ok, error) -> {
            inFlight.release();
            if (error != null) {
                ownership.completed(admitted, false);
                failures.accept(error);
                return;
            }
            recordLatency(list);
            tap.delivered(out.taken());
            // Skipped re-deliveries count as done only once the earlier batch holding their outputs has them
            // on the broker (a failed one stops the stream and marks their partitions failed).
            admitted.prior().whenComplete((priorDelivered, priorError) -> ownership.completed(admitted, true));
        });
    }

    /**
     * Exactly-once: the batch's outputs and the offsets past its records, in one transaction sent with
     * the consumer's group generation, so that a replica that lost the partitions cannot commit them.
     */
    private void sendInTransaction(PartitionOwnership.Admitted admitted, BatchProcessor.Output out) {
        Map<TopicPartition, OffsetAndMetadata> offsets = PartitionOwnership.commitOffsets(admitted.lastOffsets());
        try {
            if (!offsets.isEmpty()) { // empty: only re-deliveries of records answered already
                ConsumerGroupMetadata group = ownership.groupMetadata()
                        .orElseThrow(() -> new IllegalStateException("records polled before any assignment"));
                List<ConsumerRecord<String, byte[]>> list = admitted.records();
                output.sendInTransaction(out.records(), offsets, group,
                        (index, refusal) -> refused(list.get(out.inputIndex(index)), out.records().get(index), refusal));
            }
        } catch (RuntimeException e) {
            ownership.completed(admitted, false);
            failures.accept(e);
            return;
        }
        ownership.completed(admitted, true);
        recordLatency(admitted.records());
        tap.delivered(out.taken());
    }

    /** The bounded dead letter of {@code input}, whose output the broker refused for a reason tied to it. */
    private ProducerRecord<String, byte[]> refused(ConsumerRecord<String, byte[]> input,
                                                   ProducerRecord<String, byte[]> output, KafkaException refusal) {
        metrics.refusedByBroker();
        InvalidInputException problem = new InvalidInputException(Reason.REFUSED_BY_BROKER, "the broker refused its "
                + "output to " + output.topic() + ": " + refusal.getClass().getSimpleName() + ": " + refusal.getMessage());
        return DeadLetters.bounded(input, dlqTopic, problem, maxRecordBytes, bounds.maxOutputBytes());
    }

    /** Input timestamp to now, for each record whose output the broker now has. */
    private void recordLatency(List<ConsumerRecord<String, byte[]>> records) {
        long now = System.currentTimeMillis();
        for (ConsumerRecord<String, byte[]> record : records) {
            metrics.latency(now - record.timestamp());
        }
    }

    /** Images the warm-up runs at most: enough for the JIT to compile the per-record path (C2 after ~10,000 calls). */
    static final int WARM_UP_IMAGES = 20_000;

    /**
     * Runs the per-record path (decode, classify, the prediction's JSON and record) on synthetic raw images with
     * the serving model, on the calling thread, for at most {@code budget} or {@link #WARM_UP_IMAGES}: the JIT
     * compiles it before the first real record. Nothing is sent, counted or sampled; the classifier is a copy of
     * its own. Returns the images run.
     */
    public int warmUp(Duration budget) {
        if (budget.isZero() || budget.isNegative()) {
            return 0;
        }
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        warmingUp = true;
        BatchProcessor warm = processor(null);
        List<ConsumerRecord<String, byte[]>> batch = syntheticBatch(Math.max(1, Math.min(config.batch().maxSize() * 2, 1000)));
        int done = 0;
        try (FollowingClassifier engine = followServingModel()) {
            while (done < WARM_UP_IMAGES && System.nanoTime() < deadline) {
                warm.process(batch, engine::get);
                done += batch.size();
            }
        } finally {
            warmingUp = false;
        }
        warmedUp = String.format(java.util.Locale.ROOT, "%,d synthetic images in %d ms", done,
                (System.nanoTime() - start) / 1_000_000);
        return done;
    }

    /** True while {@link #warmUp} runs: readiness waits for it ({@link WarmUpReadiness}). */
    public boolean warmingUp() {
        return warmingUp;
    }

    /** What the last warm-up did; empty before one ran. */
    public java.util.Optional<String> warmedUp() {
        return java.util.Optional.ofNullable(warmedUp);
    }

    /** Raw 28×28 images of a stroke in different places, labelled, keyed like real traffic. */
    static List<ConsumerRecord<String, byte[]>> syntheticBatch(int size) {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(size);
        java.util.SplittableRandom random = new java.util.SplittableRandom(size);
        for (int i = 0; i < size; i++) {
            byte[] pixels = new byte[Shape.PIXELS];
            int column = 6 + random.nextInt(16);
            for (int row = 4; row < 24; row++) {
                for (int c = column; c < column + 3; c++) {
                    pixels[row * Shape.SIDE + c] = (byte) (128 + random.nextInt(128));
                }
            }
            org.apache.kafka.common.header.internals.RecordHeaders headers =
                    new org.apache.kafka.common.header.internals.RecordHeaders();
            headers.add(StreamTap.LABEL_HEADER, new byte[] {'1'});
            batch.add(new ConsumerRecord<>(CHANNEL + ".warm-up", i % 3, i, 0L,
                    org.apache.kafka.common.record.TimestampType.CREATE_TIME, 16, pixels.length, "warm-up-" + i, pixels,
                    headers, java.util.Optional.empty()));
        }
        return batch;
    }

    /** Lets {@code work} ride along in the stream's engine calls of the serving model; null stops it. */
    public void share(SharedEngineWork work) {
        processor.share(work);
    }

    /** A batch processor as this replica's settings make it; {@code tap} null for one nobody watches. */
    private BatchProcessor processor(StreamTap tap) {
        return new BatchProcessor(new ImageDecoder(DecodeLimits.of(config.input())), bounds,
                config.batch().maxSize(), config.topics().predictions(), config.topics().shadowPredictions(),
                config.topics().deadLetters(), tap,
                config.output().cloudEvents() ? new CloudEventHeaders(config.consumerGroup()) : null);
    }

    /** A classifier of its own for whatever model serves, for one thread. */
    private FollowingClassifier followServingModel() {
        return new FollowingClassifier(() -> models.active().map(ServingModel.Active::prototype),
                () -> new IllegalStateException("no model loaded"));
    }

    /**
     * The experiment for the next engine batch, with the inference thread's own classifier of its candidate;
     * null when none runs (the candidate's classifier is then closed).
     */
    private BatchProcessor.Candidate candidate() {
        ServingModel.Experiment experiment = models.experiment().orElse(null);
        if (experiment == null) {
            candidate.close();
            return null;
        }
        Classifier mine = candidate.get(experiment.candidate().prototype());
        return new BatchProcessor.Candidate(experiment.kind(), mine, experiment.percent(), shadowMaxLagMs);
    }

    /** The inference thread's classifier for the serving model; replaced when the model changes. */
    private Classifier classifier() {
        return classifier.get();
    }
}
