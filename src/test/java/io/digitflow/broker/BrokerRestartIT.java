package io.digitflow.broker;

import io.digitflow.support.AppProcess;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.kafka.Topics;
import io.digitflow.data.MnistSplit;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario "broker restart": the packaged service streams from a broker running as its own process; the
 * broker is stopped mid-stream and started again on the same folder and port. The service reconnects by
 * itself, readiness goes down and comes back, and every input gets its prediction.
 */
class BrokerRestartIT {

    private static final int IDS = 20_000;
    private static final String PREFIX = "restart";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void theServiceRidesOutABrokerRestartWithoutLosingInput() throws Exception {
        TestModels.ensure();
        MnistSplit test = TestMnist.get().test();
        int httpPort = freePort();
        URI readiness = URI.create("http://localhost:" + httpPort + "/q/health/ready");
        Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve("broker-restart-service.log");
        Files.deleteIfExists(log);

        BrokerProcess broker = BrokerProcess.start(dataDir, 0);
        int port = broker.port();
        String bootstrap = broker.bootstrapServers();
        try (var admin = KafkaClients.admin(bootstrap)) {
            List<TopicSpec> topics = new ArrayList<>(Topics.all(3));
            topics.addAll(List.of(new TopicSpec(PREFIX + ".images", 3, Map.of()),
                    new TopicSpec(PREFIX + ".predictions", 3, Map.of()), new TopicSpec(PREFIX + ".images.dlq", 1, Map.of())));
            TopicSetup.ensure(admin, topics, TIMEOUT);
        }
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            for (int i = 0; i < IDS; i++) {
                producer.send(new ProducerRecord<>(PREFIX + ".images", "id-" + i, test.image(i % test.count())));
            }
            producer.flush();
        }

        Set<String> seen = new HashSet<>();
        try (AppProcess service = AppProcess.serve(bootstrap, PREFIX, log,
                // Slow the stream down so the restart lands mid-stream on any machine.
                Map.of("quarkus.http.port", String.valueOf(httpPort), "digitflow.batch.max-size", "16",
                        "mp.messaging.incoming.images.max.poll.records", "32"), TestModels.HOME)) {
            await("ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> status(readiness) == 200 || !service.isAlive());
            try (KafkaConsumer<String, byte[]> reader = KafkaClients.consumer(bootstrap, PREFIX + ".predictions")) {
                await("first predictions").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                        .until(() -> drain(reader, seen) >= 1_000);
            }
            assertThat(seen.size()).as("restarted mid-stream, not after the end").isLessThan(IDS);

            broker.close(); // a clean stop, as an operator restarting the broker does
            await("readiness down").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> status(readiness) == 503);
            assertThat(service.isAlive()).isTrue();

            broker = BrokerProcess.start(dataDir, port);
            await("readiness up again").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> status(readiness) == 200);
            try (KafkaConsumer<String, byte[]> reader = KafkaClients.consumer(bootstrap, PREFIX + ".predictions")) {
                await("every id predicted").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(50))
                        .until(() -> drain(reader, seen) >= IDS || !service.isAlive());
            }
            assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();
        } finally {
            broker.close();
        }
        assertThat(seen).hasSize(IDS);
    }

    /** Adds the keys read in one poll; returns how many distinct keys are known. */
    private static int drain(KafkaConsumer<String, byte[]> reader, Set<String> seen) {
        for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
            seen.add(r.key());
        }
        return seen.size();
    }

    private static int status(URI uri) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1; // not listening yet
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
