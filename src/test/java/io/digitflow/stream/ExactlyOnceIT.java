package io.digitflow.stream;

import io.digitflow.support.AppProcess;
import io.digitflow.broker.KafkaTestResource;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.data.MnistSplit;
import io.digitflow.input.Reason;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * digitflow.delivery=exactly-once: the packaged service, SIGKILLed mid-stream and started again with
 * the same settings (the default transactional.id, {@code <consumer-group>-<replica-id>}). A
 * read_committed reader of predictions and dead letters sees exactly one output per input: none lost,
 * none twice, bad records included, and all of them within 10 s of the restart: the restarted replica
 * has the same id, so it fences the crashed one's open transaction and takes its partitions back at
 * once (issue 19: with the pid in the id, readers waited 65 s for the transaction timeout).
 */
class ExactlyOnceIT {

    private static final int IDS = 9_000;
    /** From the restart to the read_committed reader holding an output of every input. */
    private static final Duration RESTART_TO_ALL_OUTPUTS = Duration.ofSeconds(10);
    /** Every BAD_EVERY-th id is a record that cannot be an image: its output is a dead letter. */
    private static final int BAD_EVERY = 97;
    private static final String PREFIX = "eos";
    private static final String IMAGES = PREFIX + ".images";
    private static final String PREDICTIONS = PREFIX + ".predictions";
    private static final String DLQ = PREFIX + ".images.dlq";
    private static final String GROUP = PREFIX + "-service";
    private static final Map<String, String> EXACTLY_ONCE = Map.of(
            "digitflow.delivery", "exactly-once",
            // Smaller polls: more transactions, so the kill is likely to find one open.
            "mp.messaging.incoming.images.max.poll.records", "500");

    @Test
    void aKilledServiceAnswersEveryInputExactlyOnce() throws Exception {
        String bootstrap = KafkaTestResource.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicSetup.ensure(admin, List.of(new TopicSpec(IMAGES, 3, Map.of()), new TopicSpec(PREDICTIONS, 3, Map.of()),
                    new TopicSpec(DLQ, 1, Map.of())), Duration.ofSeconds(30));
            TestModels.ensure();
            MnistSplit test = TestMnist.get().test();
            try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
                for (int i = 0; i < IDS; i++) {
                    byte[] value = bad(i) ? ("not an image " + i).getBytes(UTF_8) : test.image(i % test.count());
                    producer.send(new ProducerRecord<>(IMAGES, "id-" + i, value));
                }
                producer.flush();
            }
            Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve("exactly-once-service.log");
            Files.deleteIfExists(log);

            Map<String, Integer> predicted = new HashMap<>();
            Map<String, Integer> deadLettered = new HashMap<>();
            Map<String, String> reasons = new HashMap<>();
            long aborted = -1;
            try (KafkaConsumer<String, byte[]> reader =
                         KafkaClients.consumer(bootstrap, "read_committed", PREDICTIONS, DLQ)) {
                Runnable drain = () -> {
                    for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                        if (r.topic().equals(DLQ)) {
                            deadLettered.merge(r.key(), 1, Integer::sum);
                            reasons.put(r.key(), new String(r.headers().lastHeader(DeadLetters.REASON_CODE).value(), UTF_8));
                        } else {
                            predicted.merge(r.key(), 1, Integer::sum);
                        }
                    }
                };
                AppProcess first = AppProcess.serve(bootstrap, PREFIX, log, EXACTLY_ONCE);
                // Killed inside a transaction, not between two: frozen (SIGSTOP) until an output partition
                // shows a transaction open on the broker for a while, then SIGKILLed; else let go and retry.
                await("killed inside an open transaction").atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(20)).until(() -> {
                            drain.run();
                            if (!first.isAlive()) {
                                return true;
                            }
                            if (predicted.size() + deadLettered.size() < 3_000) {
                                return false;
                            }
                            first.pause();
                            if (transactionStaysOpen(admin)) {
                                first.kill();
                                return true;
                            }
                            first.resume();
                            return false;
                        });
                assertThat(log).as("service ran until killed").content().contains("Exactly-once delivery");
                int beforeKill = predicted.size() + deadLettered.size();
                assertThat(beforeKill).as("killed mid-stream, not after the end").isLessThan(IDS);

                long servingBefore = AppProcess.servingLines(log);
                long restart = System.nanoTime();
                long[] serving = {0};
                try (AppProcess second = AppProcess.serve(bootstrap, PREFIX, log, EXACTLY_ONCE)) {
                    await("an output of every input").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                            .until(() -> {
                                drain.run();
                                if (serving[0] == 0 && AppProcess.servingLines(log) > servingBefore) {
                                    serving[0] = System.nanoTime();
                                }
                                return !second.isAlive() || predicted.size() + deadLettered.size() >= IDS;
                            });
                    long all = System.nanoTime();
                    assertThat(serving[0]).as("restarted service polling").isPositive();
                    // From the moment the restarted process polls: JVM start and model load (3-11 s on this
                    // busy machine) are not what the transaction timeout made readers wait for.
                    Duration allOutputs = Duration.ofNanos(all - serving[0]);
                    System.out.printf("Exactly-once restart: a read_committed reader had an output of every input "
                            + "%.1f s after the restart (process start), %.1f s after it started polling%n",
                            (all - restart) / 1e9, allOutputs.toMillis() / 1e3);
                    assertThat(second.isAlive()).as("restarted service running (see %s)", log).isTrue();
                    assertThat(allOutputs).as("restart to every output readable (see %s)", log)
                            .isLessThanOrEqualTo(RESTART_TO_ALL_OUTPUTS);
                    // Offsets and outputs commit together: once the group has committed every input, every
                    // output is committed; the reader then reads to the end (the last stable offset).
                    await("every input committed").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                            .until(() -> {
                                drain.run();
                                return !second.isAlive() || committedToEnd(admin);
                            });
                    assertThat(second.isAlive()).as("restarted service running (see %s)", log).isTrue();
                    double seconds = (System.nanoTime() - restart) / 1e9;
                    Map<TopicPartition, Long> ends = reader.endOffsets(reader.assignment());
                    await("outputs read to the end").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
                            .until(() -> {
                                drain.run();
                                return ends.entrySet().stream().allMatch(e -> reader.position(e.getKey()) >= e.getValue());
                            });
                    aborted = countAll(bootstrap) - (predicted.size() + deadLettered.size());
                    System.out.printf("Exactly-once crash test: SIGKILL inside a transaction after %d of %d outputs; "
                                    + "restart to all inputs committed %.1f s; %d predictions, %d dead letters, each "
                                    + "once for read_committed; %d aborted outputs (seen by read_uncommitted)%n",
                            beforeKill, IDS, seconds, predicted.size(), deadLettered.size(), aborted);
                }
            }

            for (int i = 0; i < IDS; i++) {
                String id = "id-" + i;
                if (bad(i)) {
                    assertThat(deadLettered.get(id)).as("dead letters of %s", id).isEqualTo(1);
                    assertThat(predicted).as("predictions").doesNotContainKey(id);
                    assertThat(reasons.get(id)).isEqualTo(Reason.UNRECOGNISED_FORMAT.code());
                } else {
                    assertThat(predicted.get(id)).as("predictions of %s", id).isEqualTo(1);
                    assertThat(deadLettered).as("dead letters").doesNotContainKey(id);
                }
            }
            assertThat(predicted.size() + deadLettered.size()).isEqualTo(IDS);
            assertThat(aborted).as("outputs of the transaction the kill left open, aborted on restart").isPositive();
            List<String> ids = Files.readAllLines(log).stream().filter(l -> l.contains("transactional.id "))
                    .map(l -> l.substring(l.indexOf("transactional.id ") + "transactional.id ".length()).strip())
                    .toList();
            assertThat(ids).as("the transactional.id of both runs").hasSize(2).containsOnly(ids.get(0));
            assertThat(ids.get(0)).startsWith(GROUP + "-");
        }
    }

    /**
     * Some output partition holds records of an open transaction (its last stable offset is below its
     * end) for a whole second: with the producer frozen it can be no commit on its way.
     */
    private static boolean transactionStaysOpen(Admin admin) {
        try {
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> openTransaction(admin));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static boolean openTransaction(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < 3; p++) {
            latest.put(new TopicPartition(PREDICTIONS, p), OffsetSpec.latest());
        }
        latest.put(new TopicPartition(DLQ, 0), OffsetSpec.latest());
        var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        var end = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
        return latest.keySet().stream().anyMatch(p -> stable.get(p).offset() < end.get(p).offset());
    }

    private static boolean bad(int i) {
        return i % BAD_EVERY == 0;
    }

    /** The service's group has committed the end of every images partition. */
    private static boolean committedToEnd(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get();
        Set<TopicPartition> partitions = Set.of(new TopicPartition(IMAGES, 0), new TopicPartition(IMAGES, 1),
                new TopicPartition(IMAGES, 2));
        Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get();
        return partitions.stream().allMatch(p -> committed.get(p) != null
                && committed.get(p).offset() >= ends.get(p).offset());
    }

    /** Everything in the output topics, aborted transactions included. */
    private static long countAll(String bootstrap) {
        try (KafkaConsumer<String, byte[]> all = KafkaClients.consumer(bootstrap, "read_uncommitted", PREDICTIONS, DLQ)) {
            long[] count = {0};
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20)).until(() -> {
                count[0] += all.poll(Duration.ofMillis(200)).count();
                Set<TopicPartition> assigned = all.assignment();
                if (assigned.isEmpty()) {
                    return false;
                }
                Map<TopicPartition, Long> ends = all.endOffsets(assigned);
                return ends.entrySet().stream().allMatch(e -> all.position(e.getKey()) >= e.getValue());
            });
            return count[0];
        }
    }
}
