package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.kafka.ReplicaIdentity;
import io.quarkus.logging.Log;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a crash may do to the outputs ({@code digitflow.delivery}), decided once at start: everything that
 * differs between the two modes lives in their two implementations, and the rest of the data path asks
 * the mode instead of checking a flag.
 *
 * <ul>
 * <li>{@link AtLeastOnce}: a poll batch's offsets are committed (by the poll loop every second, and on
 * hand-over by the rebalance listener) once the broker has acknowledged its outputs; a crash repeats the
 * records after the last commit.</li>
 * <li>{@link ExactlyOnce}: each poll batch's outputs and the offsets past it go in one Kafka transaction
 * of a producer with this replica's stable transactional.id; nothing else commits, and the images are read
 * read_committed.</li>
 * </ul>
 */
public sealed interface Delivery permits Delivery.AtLeastOnce, Delivery.ExactlyOnce {

    /** The mode {@code config} asks for; exactly-once takes its transactional.id from {@code replica}'s default. */
    static Delivery of(DigitflowConfig config, ReplicaIdentity replica) {
        return switch (config.delivery()) {
            case AT_LEAST_ONCE -> new AtLeastOnce();
            case EXACTLY_ONCE -> new ExactlyOnce(config.transactionalId()
                    .orElseGet(() -> replica.transactionalId(config.consumerGroup())));
        };
    }

    /** The output producer's transactional.id; empty when outputs are not sent in transactions. */
    Optional<String> transactionalId();

    /** Adds this mode's settings to the images consumer's. */
    void configureConsumer(Map<String, Object> consumer);

    /**
     * Hands revoked {@code partitions} over to their next owner once the batches in flight are drained:
     * {@code drained} are the offsets past what they acknowledged since the last commit.
     */
    void handOver(Consumer<?, ?> consumer, Collection<TopicPartition> partitions,
                  Map<TopicPartition, OffsetAndMetadata> drained);

    /** One line for the start-up log. */
    String describe();

    /** Offsets committed once the outputs are on the broker; a crash repeats what came after. */
    record AtLeastOnce() implements Delivery {

        @Override
        public Optional<String> transactionalId() {
            return Optional.empty();
        }

        @Override
        public void configureConsumer(Map<String, Object> consumer) {
            // read_uncommitted: Kafka's default, and the cheapest read.
        }

        @Override
        public void handOver(Consumer<?, ?> consumer, Collection<TopicPartition> partitions,
                             Map<TopicPartition, OffsetAndMetadata> drained) {
            if (drained.isEmpty()) {
                Log.infof("Revoked %s (nothing acknowledged since the last commit)", partitions);
                return;
            }
            try {
                consumer.commitSync(drained, ImagesRebalanceListener.CALL_TIMEOUT);
                Log.infof("Revoked %s after committing %s", partitions, drained);
            } catch (KafkaException e) {
                Log.warnf("Revoked %s; the final commit failed (%s): the next owner re-classifies records after "
                        + "the last commit", partitions, e.getMessage());
            }
        }

        @Override
        public String describe() {
            return "At-least-once delivery (digitflow.delivery)";
        }
    }

    /** Outputs and input offsets in one transaction per poll batch, with a transactional.id stable across restarts. */
    record ExactlyOnce(String id) implements Delivery {

        public ExactlyOnce {
            Objects.requireNonNull(id, "transactional.id");
        }

        @Override
        public Optional<String> transactionalId() {
            return Optional.of(id);
        }

        @Override
        public void configureConsumer(Map<String, Object> consumer) {
            // Images from a transactional producer count only once committed, as they would for any reader.
            consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }

        @Override
        public void handOver(Consumer<?, ?> consumer, Collection<TopicPartition> partitions,
                             Map<TopicPartition, OffsetAndMetadata> drained) {
            // The output transactions committed every offset; committing here would race them.
            Log.infof("Revoked %s (offsets committed by the output transactions)", partitions);
        }

        @Override
        public String describe() {
            return "Exactly-once delivery (digitflow.delivery), transactional.id " + id;
        }
    }
}
