package io.digitflow.support;

import io.digitflow.kafka.Topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import static org.awaitility.Awaitility.await;

/**
 * Plain Kafka clients for tests, the one helper for them: producers of images (bytes) and of text
 * records, readers that wait for expected records or read a topic to its end, an admin client.
 */
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

    /** A member of {@code group} with the given assignor, committing nothing: subscribe it yourself. */
    public static KafkaConsumer<String, byte[]> member(String bootstrap, String group, String assignor) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
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

    public static Admin admin(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }

    /** A producer of text values that writes durably and without duplicates, for the broker's own tests. */
    public static KafkaProducer<String, String> textProducer(String bootstrapServers, Map<String, Object> overrides) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // The guarantee under test: a record counts as written once every in-sync replica has it.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Retries after a lost connection must not duplicate or reorder records.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putAll(overrides);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    public static KafkaProducer<String, String> textProducer(String bootstrapServers) {
        return textProducer(bootstrapServers, Map.of());
    }

    /** Distinct keys of {@link #images}: enough that the default partitioner uses every partition of three. */
    public static final int IMAGE_KEYS = 50;

    /** Record number {@code i} for {@link Topics#IMAGES}: value {@code image-<i>}, keys {@code id-0} ... {@code id-49} in turn. */
    public static ProducerRecord<String, String> image(int i) {
        return new ProducerRecord<>(Topics.IMAGES, "id-" + (i % IMAGE_KEYS), "image-" + i);
    }

    /** Records {@code from} to {@code from + count - 1} made by {@link #image(int)}. */
    public static List<ProducerRecord<String, String>> images(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(KafkaClients::image).toList();
    }

    public static List<String> values(List<ProducerRecord<String, String>> records) {
        return records.stream().map(ProducerRecord::value).toList();
    }

    /** Sends every record and waits until the broker acknowledged all of them. */
    public static <V> void sendAll(KafkaProducer<String, V> producer, List<ProducerRecord<String, V>> records)
            throws Exception {
        var acks = new ArrayList<java.util.concurrent.Future<?>>();
        for (var record : records) {
            acks.add(producer.send(record));
        }
        for (var ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
    }

    /** The partitions a consumer is told {@code topic} has: none when it does not exist. */
    public static List<org.apache.kafka.common.PartitionInfo> partitionsFor(String bootstrapServers, String topic,
                                                                   Duration timeout) {
        try (var consumer = new KafkaConsumer<>(consumerProps(bootstrapServers), new StringDeserializer(),
                new StringDeserializer())) {
            return consumer.partitionsFor(topic, timeout);
        }
    }

    /**
     * Reads {@code topic} from the beginning up to the end offsets it had when the read began: every
     * record the broker has. Fails when that takes longer than {@code timeout}.
     */
    public static List<ConsumerRecord<String, String>> readAll(String bootstrapServers, String topic, Duration timeout) {
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(consumerProps(bootstrapServers), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Read " + read.size() + " records of " + topic
                            + " but not up to " + end + " within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static Properties consumerProps(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // No group: partitions are assigned by hand, nothing is committed, each read starts over.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Large records (model artifacts) must fit in one fetch.
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_RECORD_BYTES);
        return props;
    }
}
