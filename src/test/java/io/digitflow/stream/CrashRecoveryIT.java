package io.digitflow.stream;

import io.digitflow.broker.KafkaTestResource;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.data.MnistSplit;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service as its own process, killed with SIGKILL mid-stream and started again: every input
 * gets a prediction; duplicates (re-delivered after the kill) are allowed, and counted.
 */
class CrashRecoveryIT {

    private static final int IDS = 50_000;
    private static final String PREFIX = "crash";

    @Test
    void nothingIsLostWhenTheServiceIsKilledMidStream() throws Exception {
        String bootstrap = KafkaTestResource.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicSetup.ensure(admin, List.of(new TopicSpec(PREFIX + ".images", 3, Map.of()),
                    new TopicSpec(PREFIX + ".predictions", 3, Map.of()),
                    new TopicSpec(PREFIX + ".images.dlq", 1, Map.of())), Duration.ofSeconds(30));
        }
        TestModels.ensure();
        MnistSplit test = TestMnist.get().test();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            for (int i = 0; i < IDS; i++) {
                producer.send(new ProducerRecord<>(PREFIX + ".images", "id-" + i, test.image(i % test.count())));
            }
            producer.flush();
        }
        Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve("crash-service.log");
        Files.deleteIfExists(log);

        Map<String, Integer> seen = new HashMap<>();
        int[] total = {0};
        try (KafkaConsumer<String, byte[]> reader = KafkaClients.consumer(bootstrap, PREFIX + ".predictions")) {
            Runnable drain = () -> {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    seen.merge(r.key(), 1, Integer::sum);
                    total[0]++;
                }
            };
            ServiceProcess first = ServiceProcess.start(bootstrap, PREFIX, log, Map.of());
            await("first predictions").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        drain.run();
                        return seen.size() >= 5_000 || !first.isAlive();
                    });
            assertThat(first.isAlive()).as("service running (see %s)", log).isTrue();
            first.kill();
            int beforeKill = seen.size();
            assertThat(beforeKill).as("killed mid-stream, not after the end").isLessThan(IDS);

            try (ServiceProcess second = ServiceProcess.start(bootstrap, PREFIX, log, Map.of())) {
                await("every id predicted").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(50))
                        .until(() -> {
                            drain.run();
                            return seen.size() >= IDS || !second.isAlive();
                        });
                assertThat(second.isAlive()).as("restarted service running (see %s)", log).isTrue();
            }
            int duplicates = total[0] - seen.size();
            System.out.printf("Crash test: %d of %d ids predicted before SIGKILL; after restart all %d, "
                    + "%d duplicates (re-delivered after the kill)%n", beforeKill, IDS, seen.size(), duplicates);
            assertThat(seen).hasSize(IDS);
            for (int i = 0; i < IDS; i++) {
                assertThat(seen).containsKey("id-" + i);
            }
        }
    }
}
