package io.digitflow.stream;

import io.digitflow.support.AppProcess;
import io.digitflow.broker.KafkaTestResource;
import io.digitflow.data.MnistSplit;
import io.digitflow.input.Reason;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
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

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, items 1 and 2 end to end: records an ordinary producer can send that once stopped the stream
 * for good (a valid digit with multi-byte header keys past 1 MiB; 10,000 empty headers) are dead-lettered
 * with their reason, the 1,000 digits after them are all predicted, readiness stays UP throughout, and
 * the same holds after a restart. Then an output the broker itself refuses (the predictions topic made
 * compacted, a keyless record) is dead-lettered as refused-by-broker and the stream goes on.
 */
class CraftedRecordsIT {

    private static final String PREFIX = "crafted";
    private static final int DIGITS = 1_000;

    @Test
    void craftedRecordsAreDeadLetteredAndTheStreamGoesOn() throws Exception {
        String bootstrap = KafkaTestResource.bootstrapServers();
        try (Admin admin = admin(bootstrap)) {
            // The images topic takes what any producer may send: 2 MiB; the outputs keep the defaults.
            TopicSetup.ensure(admin, List.of(
                    new TopicSpec(PREFIX + ".images", 3, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2097152")),
                    new TopicSpec(PREFIX + ".predictions", 3, Map.of()),
                    new TopicSpec(PREFIX + ".images.dlq", 1, Map.of())), Duration.ofSeconds(30));
        }
        TestModels.ensure();
        MnistSplit mnist = TestMnist.get().test();
        Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve("crafted-service.log");
        Files.deleteIfExists(log);
        int httpPort = freePort();
        URI readiness = URI.create("http://localhost:" + httpPort + "/q/health/ready");
        Map<String, String> settings = Map.of("quarkus.http.port", String.valueOf(httpPort));

        Map<String, String> dlqReasons = new HashMap<>();
        Set<String> predicted = new HashSet<>();
        try (KafkaConsumer<String, byte[]> predictions = KafkaClients.consumer(bootstrap, PREFIX + ".predictions");
             KafkaConsumer<String, byte[]> dlq = KafkaClients.consumer(bootstrap, PREFIX + ".images.dlq");
             KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            Runnable drain = () -> {
                predictions.poll(Duration.ofMillis(100)).forEach(r -> predicted.add(r.key()));
                for (ConsumerRecord<String, byte[]> r : dlq.poll(Duration.ofMillis(100))) {
                    dlqReasons.put(r.key(), header(r, "dead-letter-reason-code"));
                }
            };
            for (String round : List.of("first", "restarted")) {
                try (AppProcess service = AppProcess.serve(bootstrap, PREFIX, log, settings);
                     ReadinessWatch watch = new ReadinessWatch(readiness)) {
                    await(round + ": ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                            .until(() -> watch.up() || !service.isAlive());
                    assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();

                    sendCrafted(producer, round);
                    for (int i = 0; i < DIGITS; i++) {
                        producer.send(new ProducerRecord<>(PREFIX + ".images", round + "-" + i,
                                mnist.image(i % mnist.count())));
                    }
                    producer.flush();

                    await(round + ": every digit predicted, every crafted record dead-lettered")
                            .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10))
                            .until(() -> {
                                drain.run();
                                return count(predicted, round + "-") == DIGITS && dlqReasons.size() >= (round.equals("first") ? 2 : 4)
                                        || !service.isAlive();
                            });
                    assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();
                    assertThat(count(predicted, round + "-")).isEqualTo(DIGITS);
                    assertThat(dlqReasons).containsEntry(round + "-multibyte-headers", Reason.RECORD_TOO_LARGE.code())
                            .containsEntry(round + "-empty-headers", Reason.TOO_MANY_HEADERS.code());
                    assertThat(predicted).doesNotContain(round + "-multibyte-headers", round + "-empty-headers");
                    assertThat(watch.downAfterUp()).as("readiness went DOWN while serving (see %s)", log).isNull();
                }
            }

            // Item 2: the broker refuses an output the producer accepted (a compacted topic takes no keyless
            // record): that record is dead-lettered with the broker's reason, the stream goes on.
            try (Admin admin = admin(bootstrap)) {
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, PREFIX + ".predictions");
                admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
                        AlterConfigOp.OpType.SET)))).all().get();
            }
            try (AppProcess service = AppProcess.serve(bootstrap, PREFIX, log, settings);
                 ReadinessWatch watch = new ReadinessWatch(readiness)) {
                await("refusals: ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                        .until(() -> watch.up() || !service.isAlive());
                byte[] json = ("{\"id\":\"keyless\",\"pixels\":" + pixels(mnist.image(0)) + "}").getBytes(UTF_8);
                RecordHeaders headers = new RecordHeaders();
                headers.add("content-type", "application/json".getBytes(UTF_8));
                producer.send(new ProducerRecord<>(PREFIX + ".images", null, (String) null, json, headers));
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>(PREFIX + ".images", "after-" + i, mnist.image(i)));
                }
                producer.flush();
                await("refusals: the keyless record dead-lettered, the rest predicted")
                        .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10))
                        .until(() -> {
                            drain.run();
                            return count(predicted, "after-") == 100 && dlqReasons.containsKey(null)
                                    || !service.isAlive();
                        });
                assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();
                assertThat(dlqReasons).containsEntry(null, Reason.REFUSED_BY_BROKER.code());
                assertThat(count(predicted, "after-")).isEqualTo(100);
                assertThat(watch.downAfterUp()).as("readiness went DOWN (see %s)", log).isNull();
            }
        }
    }

    /** A valid digit with two header keys of 3-byte characters, ~1.07 MB; then 10,000 empty headers. */
    private static void sendCrafted(KafkaProducer<String, byte[]> producer, String round) {
        byte[] digit = TestMnist.get().test().image(0);
        RecordHeaders multibyte = new RecordHeaders();
        multibyte.add("\u20ac".repeat(178_000), new byte[0]);
        multibyte.add("\u2603".repeat(178_000), new byte[0]);
        producer.send(new ProducerRecord<>(PREFIX + ".images", null, round + "-multibyte-headers", digit, multibyte));
        RecordHeaders empty = new RecordHeaders();
        for (int i = 0; i < 10_000; i++) {
            empty.add("", null);
        }
        producer.send(new ProducerRecord<>(PREFIX + ".images", null, round + "-empty-headers", digit, empty));
    }

    private static String pixels(byte[] image) {
        List<String> values = new ArrayList<>(image.length);
        for (byte b : image) {
            values.add(Integer.toString(b & 0xff));
        }
        return "[" + String.join(",", values) + "]";
    }

    private static long count(Collection<String> keys, String prefix) {
        return keys.stream().filter(k -> k != null && k.startsWith(prefix)).count();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), UTF_8);
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Polls readiness in the background and remembers the first answer other than 200 after the first 200. */
    private static final class ReadinessWatch implements AutoCloseable {
        private final AtomicBoolean up = new AtomicBoolean();
        private final AtomicReference<String> downAfterUp = new AtomicReference<>();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final Thread thread;

        ReadinessWatch(URI uri) {
            HttpClient client = HttpClient.newHttpClient();
            thread = new Thread(() -> {
                while (!closed.get()) {
                    int status;
                    try {
                        status = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception e) {
                        status = -1;
                    }
                    if (status == 200) {
                        up.set(true);
                    } else if (up.get() && !closed.get()) {
                        downAfterUp.compareAndSet(null, "status " + status);
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                }
            }, "readiness-watch");
            thread.setDaemon(true);
            thread.start();
        }

        boolean up() {
            return up.get();
        }

        String downAfterUp() {
            return downAfterUp.get();
        }

        @Override
        public void close() throws InterruptedException {
            closed.set(true);
            thread.join();
        }
    }
}
