package io.digitflow.support;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** Plain Kafka clients for tests: a producer of images, and a reader that waits for expected records. */
public final class KafkaClients {

    private KafkaClients() {
    }

    public static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024,
                // One request in flight: right after a topic is created its leader may not be ready yet;
                // the first batch is then refused (NOT_LEADER_OR_FOLLOWER) while later batches in flight
                // are accepted, and the idempotent producer retries the first one forever with
                // OUT_OF_ORDER_SEQUENCE_NUMBER (seen in CrashRecoveryIT on a busy machine).
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    public static KafkaConsumer<String, byte[]> consumer(String bootstrap, String topic) {
        return consumer(bootstrap, "read_committed", topic);
    }

    /** A reader of {@code topics} from their start, in a group of its own, with the given isolation level. */
    public static KafkaConsumer<String, byte[]> consumer(String bootstrap, String isolation, String... topics) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        consumer.subscribe(List.of(topics));
        return consumer;
    }

    /**
     * Reads {@code topic} from the start until {@code done} holds for the records kept so far
     * (those matching {@code keep}), or fails after {@code timeout}.
     */
    public static List<ConsumerRecord<String, byte[]>> readUntil(String bootstrap, String topic,
                                                                 Predicate<ConsumerRecord<String, byte[]>> keep,
                                                                 Predicate<List<ConsumerRecord<String, byte[]>>> done,
                                                                 Duration timeout) {
        List<ConsumerRecord<String, byte[]>> kept = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, topic)) {
            await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (keep.test(record)) {
                        kept.add(record);
                    }
                }
                return done.test(kept);
            });
        }
        return kept;
    }
}
