package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Hands partitions of the images topic over without duplicates: on revocation (a rebalance, or
 * leaving the group when the replica stops) waits for the batches in flight and commits their
 * offsets before the next owner reads. Runs on the poll thread ({@link ImagePolling}), inside the
 * consumer's poll, between two poll batches.
 *
 * <p>What the hand-over commits is the {@link Delivery}'s: in exactly-once mode nothing, since every offset
 * is committed by the transaction of the batch's outputs, and the drain only lets the transactions in
 * flight finish first.
 */
@ApplicationScoped
public class ImagesRebalanceListener {

    /** Bound of the consumer calls made here, on the poll thread in the middle of a rebalance. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final PartitionOwnership ownership;
    private final Duration drainTimeout;
    private final Delivery delivery;

    public ImagesRebalanceListener(PartitionOwnership ownership, DigitflowConfig config, Delivery delivery) {
        this.ownership = ownership;
        this.drainTimeout = config.serve().drainTimeout();
        this.delivery = delivery;
    }

    /** This listener as Kafka calls it, for {@code consumer}'s subscription. */
    public ConsumerRebalanceListener of(Consumer<?, ?> consumer) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                ImagesRebalanceListener.this.onPartitionsRevoked(consumer, partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                ImagesRebalanceListener.this.onPartitionsAssigned(consumer, partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                ImagesRebalanceListener.this.onPartitionsLost(consumer, partitions);
            }
        };
    }

    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long position;
            try {
                position = consumer.position(partition, CALL_TIMEOUT);
            } catch (KafkaException e) {
                // Unknown start: no re-delivery is recognised as such, at worst a record is classified twice.
                Log.warnf("No position for %s (%s); duplicates of records in flight are not filtered", partition,
                        e.getMessage());
                position = -1;
            }
            positions.put(partition, position);
        }
        // The generation is current here: the consumer updates it before calling the listener.
        ownership.joined(consumer.groupMetadata());
        ownership.assigned(positions);
        Log.infof("Assigned %s", positions);
    }

    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        handOver(consumer, partitions);
    }

    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // Another replica owns them already: committing would fail; only stop classifying them.
        try {
            ownership.revoke(partitions, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Log.warnf("Lost %s (the group moved on without us); their records in flight may be classified twice",
                partitions);
    }

    private void handOver(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Optional<Map<TopicPartition, OffsetAndMetadata>> drained;
        try {
            drained = ownership.revoke(partitions, drainTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Log.warnf("Interrupted while draining %s; records in flight will be classified again", partitions);
            return;
        }
        if (drained.isEmpty()) {
            Log.warnf("Revoked %s with batches still in flight after %s; the next owner classifies them again",
                    partitions, drainTimeout);
            return;
        }
        delivery.handOver(consumer, partitions, drained.get());
    }
}
