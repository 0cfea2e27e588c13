package io.digitflow.stream;

import io.digitflow.broker.KafkaTestResource;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, item 3, on a real broker: a partition handed back to the same replica by an eager rebalance
 * while a batch's outputs are still on their way. The consumer, the rebalance and the re-fetch are Kafka's
 * own; what SmallRye does in between (a poll batch fetched before the revocation but handed to the inference
 * thread only after it) is played by this test, which drives the poll loop itself, so every step happens in
 * the order that loses records when skipped re-deliveries are acknowledged at once:
 * <ol>
 * <li>batch A (offsets 0-19) done and committed; batch B (20-39) classified, its outputs not acknowledged;
 * batch C (40-59) polled but not handed over yet;</li>
 * <li>a second member joins the group (subscribed to another topic): the eager rebalance revokes the
 * partition and gives it back; the drain gives up on B, nothing is committed, the position goes back to 20;</li>
 * <li>C is handed over after the rebalance and classified (its offsets are past the position);</li>
 * <li>the re-fetched 20-59 are skipped as classified already. Their outputs are B's and C's, still in flight:
 * the re-fetched batch may be acknowledged (and the commit move to 60) only once both have completed.</li>
 * </ol>
 */
class RedeliveredRecordsIT {

    private static final String TOPIC = "redeliver.images";
    private static final String OTHER = "redeliver.other";
    private static final String GROUP = "redeliver-service";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void skippedReDeliveriesWaitForTheBatchesHoldingTheirOutputs() throws Exception {
        String bootstrap = KafkaTestResource.bootstrapServers();
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1), new NewTopic(OTHER, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                records.add(new ProducerRecord<>(TOPIC, 0, "id-" + i, new byte[784]));
            }
            KafkaClients.sendAll(producer, records);
        }
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        PartitionOwnership ownership = new PartitionOwnership();
        // The service's own listener and at-least-once hand-over, with a short drain.
        ImagesRebalanceListener listener = new ImagesRebalanceListener(ownership,
                TestConfig.digitflow(Map.of("digitflow.serve.drain-timeout", "1s")), new Delivery.AtLeastOnce());
        AtomicInteger assignments = new AtomicInteger();

        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerSettings(bootstrap, 20))) {
            consumer.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    listener.onPartitionsRevoked(consumer, partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    listener.onPartitionsAssigned(consumer, partitions);
                    assignments.incrementAndGet();
                }
            });
            java.util.ArrayDeque<ConsumerRecord<String, byte[]>> polled = new java.util.ArrayDeque<>();
            List<ConsumerRecord<String, byte[]>> a = take(consumer, polled, 20);
            assertThat(offsets(a)).startsWith(0L).endsWith(19L);
            PartitionOwnership.Admitted batchA = ownership.admit(a);
            ownership.completed(batchA, true);
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(20)));

            PartitionOwnership.Admitted batchB = ownership.admit(take(consumer, polled, 20));
            assertThat(batchB.lastOffsets()).containsEntry(partition, 39L);
            List<ConsumerRecord<String, byte[]>> c = take(consumer, polled, 20);
            assertThat(offsets(c)).startsWith(40L).endsWith(59L);

            // A second member of the group, reading another topic, stays until the end: the range assignor
            // (eager) revokes everything and gives the images partition back to the only member reading it.
            try (SecondMember second = new SecondMember(bootstrap)) {
                List<ConsumerRecord<String, byte[]>> refetched = new ArrayList<>();
                int before = assignments.get();
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (assignments.get() == before) {
                    assertThat(System.nanoTime()).as("reassigned within %s", TIMEOUT).isLessThan(deadline);
                    consumer.poll(Duration.ofMillis(100)).forEach(refetched::add);
                }
                assertThat(second.joined()).isTrue();
                assertThat(consumer.assignment()).containsExactly(partition);
                assertThat(consumer.committed(java.util.Set.of(partition)).get(partition).offset())
                        .as("nothing committed past the batch whose outputs did not arrive").isEqualTo(20);

                PartitionOwnership.Admitted batchC = ownership.admit(c);
                assertThat(batchC.records()).as("fetched before the revocation, past the new position: classified")
                        .hasSize(20);
                while (refetched.size() < 40) {
                    assertThat(System.nanoTime()).as("re-fetched within %s", TIMEOUT).isLessThan(deadline);
                    consumer.poll(Duration.ofMillis(100)).forEach(refetched::add);
                }
                assertThat(offsets(refetched)).as("re-fetched from the last commit").startsWith(20L).endsWith(59L);
                PartitionOwnership.Admitted again = ownership.admit(refetched);

                assertThat(again.records()).as("classified already: skipped").isEmpty();
                assertThat(again.partitions()).containsExactly(partition);
                assertThat(again.prior()).as("outputs of 20-59 are still on their way in B and C").isNotDone();
                ownership.completed(batchB, true);
                assertThat(again.prior()).as("C's outputs are still on their way").isNotDone();
                ownership.completed(batchC, true);
                assertThat(again.prior()).isCompletedWithValue(true);
                ownership.completed(again, true);
            }
        }
    }

    /** A consumer of the same group subscribed to another topic, polling on its own thread until closed. */
    private static final class SecondMember implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicBoolean joined = new AtomicBoolean();
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final Future<?> polling;

        SecondMember(String bootstrap) {
            polling = thread.submit(() -> {
                try (KafkaConsumer<String, byte[]> other = new KafkaConsumer<>(consumerSettings(bootstrap, 1))) {
                    other.subscribe(List.of(OTHER), new ConsumerRebalanceListener() {
                        @Override
                        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        }

                        @Override
                        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                            joined.set(true);
                        }
                    });
                    while (!stop.get()) {
                        other.poll(Duration.ofMillis(100));
                    }
                }
                return null;
            });
        }

        boolean joined() {
            return joined.get();
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            try {
                polling.get(30, TimeUnit.SECONDS);
            } finally {
                thread.shutdownNow();
            }
        }
    }

    /** The next {@code count} records of the partition, polling as needed; what a poll brought beyond stays in {@code polled}. */
    private static List<ConsumerRecord<String, byte[]>> take(KafkaConsumer<String, byte[]> consumer,
                                                             java.util.ArrayDeque<ConsumerRecord<String, byte[]>> polled,
                                                             int count) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (polled.size() < count) {
            assertThat(System.nanoTime()).as("%d records polled within %s", count, TIMEOUT).isLessThan(deadline);
            consumer.poll(Duration.ofMillis(100)).forEach(polled::add);
        }
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            batch.add(polled.poll());
        }
        return batch;
    }

    private static List<Long> offsets(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(ConsumerRecord::offset).toList();
    }

    private static Map<String, Object> consumerSettings(String bootstrap, int maxPollRecords) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        settings.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        settings.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return settings;
    }
}
