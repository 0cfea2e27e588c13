package io.digitflow.stream;

import io.digitflow.support.AppProcess;
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
 * gets a prediction; duplicates (re-delivered after the kill) are allowed, and counted. The restarted
 * process has the same replica id (static membership), so it gets its partitions back at once: its
 * first prediction comes within 5 s of the restart, not after the dead member's session (45 s).
 */
class CrashRecoveryIT {

    private static final int IDS = 50_000;
    private static final String PREFIX = "crash";
    private static final Duration RESTART_TO_FIRST_PREDICTION = Duration.ofSeconds(5);

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
            AppProcess first = AppProcess.serve(bootstrap, PREFIX, log, Map.of());
            await("first predictions").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        drain.run();
                        return seen.size() >= 5_000 || !first.isAlive();
                    });
            assertThat(first.isAlive()).as("service running (see %s)", log).isTrue();
            first.kill();
            int beforeKill = seen.size();
            assertThat(beforeKill).as("killed mid-stream, not after the end").isLessThan(IDS);

            // Everything the killed process wrote is read first: the next prediction is the restarted one's.
            Map<org.apache.kafka.common.TopicPartition, Long> ends = reader.endOffsets(reader.assignment());
            await("predictions of the killed process read").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(20)).until(() -> {
                        drain.run();
                        return ends.entrySet().stream().allMatch(e -> reader.position(e.getKey()) >= e.getValue());
                    });
            int readBeforeRestart = total[0];
            long servingBefore = AppProcess.servingLines(log);
            long restart = System.nanoTime();
            long[] serving = {0};
            try (AppProcess second = AppProcess.serve(bootstrap, PREFIX, log, Map.of())) {
                await("first prediction after the restart").atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(10)).until(() -> {
                            drain.run();
                            if (serving[0] == 0 && AppProcess.servingLines(log) > servingBefore) {
                                serving[0] = System.nanoTime();
                            }
                            return total[0] > readBeforeRestart || !second.isAlive();
                        });
                long firstAt = System.nanoTime();
                assertThat(serving[0]).as("restarted service polling before its first prediction").isPositive();
                // From the moment the restarted process polls (JVM start and model load, 3-11 s on this
                // busy machine, are not the group's doing) to its first prediction.
                Duration firstPrediction = Duration.ofNanos(firstAt - serving[0]);
                System.out.printf("Crash test: first prediction %.1f s after the restart (process start), %.1f s "
                        + "after it started polling%n", (firstAt - restart) / 1e9, firstPrediction.toMillis() / 1e3);
                assertThat(firstPrediction).as("restart to first prediction (see %s)", log)
                        .isLessThanOrEqualTo(RESTART_TO_FIRST_PREDICTION);
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
            List<String> ids = Files.readAllLines(log).stream().filter(l -> l.contains("Replica id "))
                    .map(l -> l.substring(l.indexOf("Replica id ") + "Replica id ".length()).split(" ")[0]).toList();
            assertThat(ids).as("the replica id of both runs").hasSize(2).containsOnly(ids.get(0));
        }
    }
}
