package io.digitflow.stream;

import io.digitflow.support.AppProcess;
import io.digitflow.broker.KafkaTestResource;
import io.digitflow.data.MnistSplit;
import io.digitflow.input.Reason;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.support.Http;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, item 2 in exactly-once mode: an output the broker refuses fails its whole transaction (the
 * transactional producer cannot commit past a failed send). The service aborts it and makes the
 * transaction again with that record dead-lettered (reason refused-by-broker, the broker's message),
 * and the stream goes on; read_committed readers see every other record's prediction exactly once.
 * Two refusals: a keyless record on a compacted predictions topic (InvalidRecordException) and a
 * prediction larger than the topic's max.message.bytes, lowered while serving (RecordTooLargeException).
 */
class ExactlyOnceRefusalsIT {

    private static final String PREFIX = "eos-refusals";
    private static final int DIGITS = 300;

    @Test
    void aRefusedOutputIsDeadLetteredAndTheTransactionMadeAgain() throws Exception {
        String bootstrap = KafkaTestResource.bootstrapServers();
        try (Admin admin = admin(bootstrap)) {
            TopicSetup.ensure(admin, List.of(new TopicSpec(PREFIX + ".images", 3, Map.of()),
                    new TopicSpec(PREFIX + ".predictions", 3,
                            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                    new TopicSpec(PREFIX + ".images.dlq", 1, Map.of())), Duration.ofSeconds(30));
        }
        TestModels.ensure();
        MnistSplit mnist = TestMnist.get().test();
        Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve("eos-refusals-service.log");
        Files.deleteIfExists(log);
        int httpPort = Http.freePort();
        URI readiness = URI.create("http://localhost:" + httpPort + "/q/health/ready");
        Map<String, String> settings = Map.of("quarkus.http.port", String.valueOf(httpPort),
                "digitflow.delivery", "exactly-once");

        Map<String, Integer> predictions = new HashMap<>();
        Map<String, ConsumerRecord<String, byte[]>> deadLetters = new HashMap<>();
        try (AppProcess service = AppProcess.serve(bootstrap, PREFIX, log, settings);
             KafkaConsumer<String, byte[]> predicted = KafkaClients.consumer(bootstrap, PREFIX + ".predictions");
             KafkaConsumer<String, byte[]> dlq = KafkaClients.consumer(bootstrap, PREFIX + ".images.dlq");
             KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            await("ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Http.get(readiness).status() == 200 || !service.isAlive());
            // Checked at start against the output bound, so lowered only now, and not below the producer's
            // batch.size (256 KiB): the producer splits a refused batch into batches of that size, so below
            // it a batch of small predictions is split into itself for ever. The prediction repeating a
            // 400,000-byte header is refused.
            try (Admin admin = admin(bootstrap)) {
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, PREFIX + ".predictions"),
                        List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "300000"),
                                AlterConfigOp.OpType.SET)))).all().get();
            }

            RecordHeaders json = new RecordHeaders();
            json.add("content-type", "application/json".getBytes(UTF_8));
            producer.send(new ProducerRecord<>(PREFIX + ".images", 0, (String) null,
                    ("{\"id\":\"keyless\",\"pixels\":" + pixels(mnist.image(0)) + "}").getBytes(UTF_8), json));
            RecordHeaders big = new RecordHeaders();
            big.add("trace", new byte[400_000]);
            producer.send(new ProducerRecord<>(PREFIX + ".images", 0, "big-header", mnist.image(1), big));
            for (int i = 0; i < DIGITS; i++) {
                // Partition 0 too: the refused records share transactions (and producer batches) with these.
                producer.send(new ProducerRecord<>(PREFIX + ".images", i % 2 == 0 ? 0 : null, "digit-" + i,
                        mnist.image(i % mnist.count())));
            }
            producer.flush();

            await("every digit predicted, both refused records dead-lettered").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(10)).until(() -> {
                        predicted.poll(Duration.ofMillis(100)).forEach(r -> predictions.merge(r.key(), 1, Integer::sum));
                        dlq.poll(Duration.ofMillis(100)).forEach(r -> deadLetters.put(r.key(), r));
                        return predictions.size() >= DIGITS && deadLetters.size() >= 2 || !service.isAlive();
                    });
            assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();
            assertThat(Http.get(readiness).status()).as("ready after the refusals (see %s)", log).isEqualTo(200);
        }
        assertThat(predictions).hasSize(DIGITS).doesNotContainKeys("big-header", null);
        assertThat(predictions.values()).as("read_committed: each prediction once").containsOnly(1);
        assertThat(deadLetters).containsOnlyKeys(null, "big-header");
        assertThat(header(deadLetters.get(null), "dead-letter-reason-code")).isEqualTo(Reason.REFUSED_BY_BROKER.code());
        assertThat(header(deadLetters.get(null), "dead-letter-reason")).contains("InvalidRecordException");
        assertThat(header(deadLetters.get("big-header"), "dead-letter-reason-code"))
                .isEqualTo(Reason.REFUSED_BY_BROKER.code());
        assertThat(header(deadLetters.get("big-header"), "dead-letter-reason")).contains("RecordTooLargeException");
        assertThat(Files.readString(log)).contains("Transaction aborted: the broker refused");
    }

    private static String pixels(byte[] image) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < image.length; i++) {
            out.append(i == 0 ? "" : ",").append(image[i] & 0xff);
        }
        return out.append(']').toString();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), UTF_8);
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
}
