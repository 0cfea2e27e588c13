package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.kafka.ClientFactory;
import io.digitflow.kafka.StaticMembership;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The images topic's poll loop: one thread of its own polls the consumer, hands each poll batch to the
 * {@link ImageStream} (which classifies it and sends its outputs without waiting for the broker) and commits,
 * at most every {@code auto.commit.interval.ms}, the offsets whose outputs the broker has
 * ({@link PartitionOwnership#committable}). No per-record wrapper, no hand-over between threads: the
 * consumer's records go straight to the engine.
 *
 * <p>Back-pressure: while {@code digitflow.batch.max-in-flight} batches wait for the broker the loop takes no
 * further batch; after {@link #ROOM_WAIT} it pauses the partitions and goes on polling (so the group keeps it,
 * however long the broker takes), and resumes them when there is room. Rebalances run inside {@code poll},
 * between two batches ({@link ImagesRebalanceListener}). A batch whose outputs fail stops the loop for good:
 * nothing after the last delivered offset is committed, liveness turns DOWN ({@link StreamLiveness}) and the
 * next start reads those records again.
 *
 * <p>The consumer's settings: everything under {@code kafka.*}, then the consumer settings under
 * {@code mp.messaging.incoming.images.*} (the images consumer's own place since the first release), then
 * what the service decides ({@link ImageConsumerSettings}, {@link StaticMembership}, the delivery mode).
 */
@ApplicationScoped
public class ImagePolling {

    /** Where the images consumer's own Kafka settings are read from. */
    public static final String SETTINGS_PREFIX = "mp.messaging.incoming." + ImageStream.CHANNEL + ".";
    /** The consumer's client.id unless set: the name dashboards and quotas know it by. */
    static final String CLIENT_ID = "kafka-consumer-" + ImageStream.CHANNEL;
    /** How long one poll waits for records: also how soon a stop is seen when the topic is quiet. */
    static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** How long the loop waits for room among the batches in flight before it pauses and polls to stay in the group. */
    static final Duration ROOM_WAIT = Duration.ofSeconds(1);
    /** How often at most a pause for back-pressure is logged at INFO (DEBUG in between). */
    static final Duration PAUSE_SAID_EVERY = Duration.ofMinutes(1);
    /** Beyond the drain: the last commit and the consumer's close, each bounded by the rebalance calls' timeout. */
    public static final Duration CLOSE_TIMEOUT = ImagesRebalanceListener.CALL_TIMEOUT.multipliedBy(2);

    private final DigitflowConfig config;
    private final Map<String, Object> kafka;
    private final Config settings;
    private final ImageConsumerSettings consumerSettings;
    private final StaticMembership membership;
    private final ImagesRebalanceListener rebalance;
    private final PartitionOwnership ownership;
    private final ImageStream stream;
    private final Delivery delivery;
    private final Event<Consumer<?, ?>> created;

    private volatile Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;
    private volatile KafkaConsumer<String, byte[]> consumer;
    /** Poll thread only: when offsets were last committed, and whether the last commit failed. */
    private long lastCommit;
    private boolean commitFailing;
    /** Poll thread only: when a pause for back-pressure was last logged at INFO (nanoTime; 0 for never). */
    private long lastPauseSaid;

    public ImagePolling(DigitflowConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka,
                        Config settings, ImageConsumerSettings consumerSettings, StaticMembership membership,
                        ImagesRebalanceListener rebalance, PartitionOwnership ownership, ImageStream stream,
                        Delivery delivery, Event<Consumer<?, ?>> created) {
        this.config = config;
        this.kafka = kafka;
        this.settings = settings;
        this.consumerSettings = consumerSettings;
        this.membership = membership;
        this.rebalance = rebalance;
        this.ownership = ownership;
        this.stream = stream;
        this.delivery = delivery;
        this.created = created;
    }

    /** The images consumer's settings, in the order described above. */
    Map<String, Object> consumerProperties() {
        Map<String, Object> props = new HashMap<>();
        for (String name : settings.getPropertyNames()) {
            if (name.startsWith(SETTINGS_PREFIX)) {
                String key = name.substring(SETTINGS_PREFIX.length());
                if (ConsumerConfig.configNames().contains(key)) {
                    settings.getOptionalValue(name, String.class).ifPresent(value -> props.put(key, value));
                }
            }
        }
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
        consumerSettings.apply(props);
        // kafka.* below these; string keys, byte values, and offsets committed only by the loop.
        Map<String, Object> all = ClientFactory.of(kafka).consumerSettings(
                String.valueOf(props.getOrDefault(ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID)), props);
        membership.member(all);
        return all;
    }

    /** Joins the group and starts polling; once only. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the images poll loop runs already");
        }
        Map<String, Object> props = consumerProperties();
        long interval = Long.parseLong(String.valueOf(props.getOrDefault(
                ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "1000")));
        consumer = ClientFactory.of(kafka).consumer(String.valueOf(props.get(ConsumerConfig.CLIENT_ID_CONFIG)), props);
        created.fire(consumer);
        stream.onFailure(this::fail);
        Thread loop = new Thread(() -> run(Math.max(0, interval)), "digitflow-images-poll");
        loop.setDaemon(true);
        thread = loop;
        loop.start();
    }

    private void run(long commitIntervalMs) {
        KafkaConsumer<String, byte[]> consumer = this.consumer;
        try {
            consumer.subscribe(List.of(config.topics().images()), rebalance.of(consumer));
            while (!stopping && failure == null) {
                commit(consumer, commitIntervalMs);
                if (!stream.awaitRoom(ROOM_WAIT)) {
                    waitForRoom(consumer, commitIntervalMs);
                    continue;
                }
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(POLL_TIMEOUT);
                } catch (WakeupException e) {
                    continue; // stop() woke it
                }
                if (!records.isEmpty()) {
                    stream.consume(records);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        } catch (Throwable e) { // an Error too: the loop's end must be seen, not a thread dying quietly
            fail(e);
        } finally {
            finish(consumer);
        }
    }

    /**
     * The broker has not acknowledged the batches in flight for {@link #ROOM_WAIT}: the partitions are paused and
     * the consumer polled (nothing comes from paused partitions) until there is room, so that the group keeps
     * this member (max.poll.interval.ms) and rebalances run however long the broker takes. Then the paused
     * partitions resume.
     *
     * <p>A partition assigned during the wait (a rebalance inside one of these polls) is not paused yet, and that
     * same poll may return its records: they are not classified (their send would wait for room on this thread,
     * the very blocking the pause avoids), the partition is sought back to its first returned record and paused
     * with the others, so nothing is skipped and nothing read twice.
     */
    private void waitForRoom(Consumer<String, byte[]> consumer, long commitIntervalMs) throws InterruptedException {
        Set<TopicPartition> paused = new HashSet<>(consumer.assignment());
        consumer.pause(paused);
        // Under a lasting slow downstream the loop pauses every few seconds: said at INFO once a minute at most.
        long now = System.nanoTime();
        boolean say = now - lastPauseSaid > PAUSE_SAID_EVERY.toNanos() || lastPauseSaid == 0;
        if (say) {
            lastPauseSaid = now;
        }
        Log.logf(say ? Logger.Level.INFO : Logger.Level.DEBUG, "The broker has not acknowledged the outputs of %d "
                + "batches for %s: %s paused, polling on until it does", config.batch().maxInFlight(), ROOM_WAIT, paused);
        try {
            while (!stopping && failure == null && !stream.awaitRoom(POLL_TIMEOUT)) {
                commit(consumer, commitIntervalMs);
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(POLL_TIMEOUT);
                } catch (WakeupException e) {
                    return;
                }
                holdBack(consumer, records, paused);
            }
        } finally {
            paused.retainAll(consumer.assignment());
            consumer.resume(paused);
            Log.logf(say ? Logger.Level.INFO : Logger.Level.DEBUG, "Outputs acknowledged again: %s resumed", paused);
        }
    }

    /** Puts records polled while waiting for room back where they were, and pauses their partitions. */
    static void holdBack(Consumer<?, ?> consumer, ConsumerRecords<?, ?> records, Set<TopicPartition> paused) {
        if (records.isEmpty()) {
            return;
        }
        for (TopicPartition partition : records.partitions()) {
            consumer.seek(partition, records.records(partition).get(0).offset());
            paused.add(partition);
        }
        consumer.pause(records.partitions());
    }

    /** At-least-once: commits what the broker acknowledged since the last commit, at most every interval. */
    private void commit(Consumer<String, byte[]> consumer, long intervalMs) {
        if (delivery.transactionalId().isPresent()) {
            return; // the output transactions commit every offset
        }
        long now = System.nanoTime();
        if (now - lastCommit < intervalMs * 1_000_000) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = ownership.committable();
        if (offsets.isEmpty()) {
            return;
        }
        lastCommit = now;
        consumer.commitAsync(offsets, (committed, error) -> {
            if (error == null) {
                if (commitFailing) {
                    Log.infof("Committed images offsets again: %s", committed);
                    commitFailing = false;
                }
                return;
            }
            // Records stay uncommitted, nothing is skipped: a restart reads them again, the next commit retries.
            ownership.uncommitted(offsets);
            if (!commitFailing) {
                Log.warnf("Committing images offsets failed (%s); asking again in %d ms", error.getMessage(),
                        intervalMs);
                commitFailing = true;
            }
        });
    }

    /** The loop ended (stop or failure): lets the batches in flight finish, commits what they delivered, closes. */
    private void finish(KafkaConsumer<String, byte[]> consumer) {
        try {
            Duration timeout = config.serve().drainTimeout();
            if (!ownership.stop(timeout)) {
                Log.warnf("Batches still in flight after %s (digitflow.serve.drain-timeout); the next owner "
                        + "classifies their records again", timeout);
            }
            if (delivery.transactionalId().isEmpty()) {
                Map<TopicPartition, OffsetAndMetadata> offsets = ownership.committable();
                if (!offsets.isEmpty()) {
                    commitSync(consumer, offsets);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (KafkaException e) {
            Log.warnf("The last commit of images offsets failed (%s); the next owner reads from the one before",
                    e.getMessage());
        } finally {
            try {
                consumer.close(ImagesRebalanceListener.CALL_TIMEOUT);
            } catch (RuntimeException e) {
                Log.warnf("Closing the images consumer: %s", e.getMessage());
            }
        }
    }

    /** Commits {@code offsets}; a wake-up left over from {@link #stop} is not a reason to lose them. */
    private static void commitSync(Consumer<String, byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets, ImagesRebalanceListener.CALL_TIMEOUT);
        } catch (WakeupException e) {
            consumer.commitSync(offsets, ImagesRebalanceListener.CALL_TIMEOUT);
        }
    }

    private void fail(Throwable error) {
        if (failure == null && !stopping) {
            failure = error;
            Log.errorf("The images stream stopped: %s: %s. Nothing after the last delivered record is committed; "
                            + "restart the replica (liveness is DOWN) to read them again",
                    error.getClass().getSimpleName(), error.getMessage());
            KafkaConsumer<String, byte[]> polling = consumer;
            if (polling != null) {
                polling.wakeup();
            }
        }
    }

    /** Why the loop stopped by itself; empty while it runs, before it started, and after a stop. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** True between {@link #start} and the end of the loop. */
    public boolean running() {
        Thread loop = thread;
        return loop != null && loop.isAlive();
    }

    /**
     * Stops polling after the batch at hand, waits for the batches in flight (at most
     * {@code digitflow.serve.drain-timeout}), commits what they delivered and leaves: all before this returns,
     * or {@code timeout} has passed.
     */
    public void stop(Duration timeout) throws InterruptedException {
        Thread loop = thread;
        if (loop == null) {
            return;
        }
        stopping = true;
        KafkaConsumer<String, byte[]> polling = consumer;
        if (polling != null) {
            polling.wakeup();
        }
        loop.join(Math.max(1, timeout.toMillis()));
    }
}
