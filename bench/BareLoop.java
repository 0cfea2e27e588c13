import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import java.util.Collection;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The floor of the Kafka path on this machine: a bare kafka-clients poll loop that answers each image with a
 * prediction-sized JSON and nothing else (no decoding, no model, no bounds, no metrics, no dead letters,
 * offsets auto-committed every 5 s without waiting for the outputs). It reads the service's images topic,
 * keeps each input's key and headers on its answer, and writes what `watch` reads, so bench/e2e.sh measures it
 * the way it measures the service (`ENGINES=bare`, `STEADY_ENGINE=bare`).
 *
 *   java -cp "target/quarkus-app/lib/main/*" bench/BareLoop.java BOOTSTRAP TOTAL WARM [consumer.NAME=VALUE|producer.NAME=VALUE ...]
 *
 * Without settings it is the untuned loop (Kafka's defaults, but the service's max.poll.records and
 * max.partition.fetch.bytes); `BARE_SETTINGS` in bench/e2e.sh gives it the service's other settings too
 * (producer.batch.size=262144: the service's fetches are Kafka's long poll already).
 *
 * (`BARE_OPTS="-XX:StartFlightRecording=filename=bare.jfr,settings=profile" ENGINES=bare bench/e2e.sh`, then
 * `java bench/JfrBreakdown.java bare.jfr N 5`, profiles it like the service.)
 * Prints "warm" once WARM records are answered (the script then takes the CPU figures from /proc) and its own
 * figures after TOTAL: process CPU per record and records/s from the WARM-th record on.
 */
public class BareLoop {
    public static void main(String[] args) throws InterruptedException {
        // In a thread of its own: bench/JfrBreakdown.java finds the loop by this name.
        Thread loop = new Thread(() -> run(args), "bare-loop");
        loop.start();
        loop.join();
        // Alive until stopped, as the service is: bench/e2e.sh reads its CPU from /proc after the last answer.
        Thread.currentThread().join();
    }

    private static void run(String[] args) {
        String bootstrap = args[0];
        long total = Long.parseLong(args[1]);
        long warm = Long.parseLong(args[2]);
        Map<String, Object> consumerConfig = new HashMap<>();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "bare-loop");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true); // Kafka's interval, 5 s
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        consumerConfig.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4194304);
        Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        for (int i = 3; i < args.length; i++) {
            String[] setting = args[i].split("=", 2);
            if (setting[0].startsWith("consumer.")) {
                consumerConfig.put(setting[0].substring("consumer.".length()), setting[1]);
            } else if (setting[0].startsWith("producer.")) {
                producerConfig.put(setting[0].substring("producer.".length()), setting[1]);
            } else {
                throw new IllegalArgumentException("not consumer.NAME=VALUE nor producer.NAME=VALUE: " + args[i]);
            }
        }
        // A typical prediction of the service (PredictionJson), its id the record's key: built from bytes, as
        // cheap as JSON gets, so that this stays the floor.
        byte[] head = "{\"id\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\",\"digit\":7,\"confidence\":0.99999,\"probabilities\":[1.0E-7,2.3E-6,4.1E-5,3.2E-5,"
                + "1.0E-8,1.2E-7,1.0E-10,0.99999,2.2E-6,1.8E-5],\"model\":\"v20261204-065341\",\"partition\":1,"
                + "\"offset\":123456,\"latencyMs\":1.25}").getBytes(StandardCharsets.UTF_8);
        long answered = 0;
        long cpu0 = 0;
        long wall0 = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            createTopics(bootstrap);
            consumer.subscribe(List.of("digits.images"), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        System.out.println("bare loop assigned " + partitions); // bench/e2e.sh waits for this
                    }
                }
            });
            System.out.println("bare loop polling");
            while (answered < total) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    byte[] key = record.key() == null ? new byte[0] : record.key();
                    byte[] json = new byte[head.length + key.length + tail.length];
                    System.arraycopy(head, 0, json, 0, head.length);
                    System.arraycopy(key, 0, json, head.length, key.length);
                    System.arraycopy(tail, 0, json, head.length + key.length, tail.length);
                    producer.send(new ProducerRecord<>("digits.predictions", null, record.key(), json,
                            record.headers()));
                    if (++answered == warm) {
                        cpu0 = cpu();
                        wall0 = System.nanoTime();
                        System.out.println("warm");
                    }
                }
            }
            producer.flush();
            // The clients' own view of how they batch: compare with the service's kafka_* metrics.
            System.out.println("bare loop clients: " + figures(producer.metrics()) + " " + figures(consumer.metrics()));
        }
        double seconds = (System.nanoTime() - wall0) / 1e9;
        long measured = total - warm;
        System.out.printf(Locale.ROOT, "bare loop: %d records after the first %d: %.0f records/s, process CPU %.1f us "
                + "per record%n", measured, warm, measured / seconds, (cpu() - cpu0) / 1e3 / measured);
    }

    private static String figures(Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics) {
        StringBuilder out = new StringBuilder();
        for (var entry : metrics.entrySet()) {
            String name = entry.getKey().name();
            if (entry.getKey().tags().containsKey("topic") || entry.getKey().tags().containsKey("node-id")) {
                continue;
            }
            if (name.equals("batch-size-avg") || name.equals("records-per-request-avg") || name.equals("request-total")
                    || name.equals("fetch-size-avg") || name.equals("fetch-total") || name.equals("produce-throttle-time-avg")) {
                out.append(entry.getKey().group().replace("-metrics", "")).append('.').append(name).append('=')
                        .append(String.format(Locale.ROOT, "%.0f", ((Number) entry.getValue().metricValue()).doubleValue()))
                        .append(' ');
            }
        }
        return out.toString().trim();
    }

    /** The two topics as the service makes them (3 partitions), unless they are there. */
    private static void createTopics(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (String topic : List.of("digits.images", "digits.predictions")) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
