package io.digitflow.stream;

import io.digitflow.support.AppProcess;
import io.digitflow.broker.KafkaTestResource;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.kafka.Topics;
import io.digitflow.data.MnistSplit;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scale-out on Kafka itself: three packaged service processes in one consumer group share the six
 * partitions of the images topic while a keyed stream of 30,000 images flows. One is SIGKILLed, one
 * stopped with SIGTERM, both mid-stream; the third ends up with every partition. Every image gets a
 * prediction, predictions of a key keep the input's order, and the only duplicates are records the
 * killed process had answered but not committed: the graceful stop and the rebalances hand partitions
 * over without any. Each prediction names the process that made it ({@code digitflow-replica} header).
 */
class ScaleOutIT {

    private static final String PREFIX = "scale";
    private static final String GROUP = PREFIX + "-service";
    private static final int PARTITIONS = 6;
    private static final int IMAGES = 30_000;
    private static final int KEYS = 300;
    private static final int RATE = 1_500;
    /** The graceful stop waits until the group has settled after the kill; the stream waits here meanwhile. */
    private static final int GATE = 20_000;
    private static final String SEQ = "seq";
    private static final String CLIENT_PREFIX = "scale-images-";

    /** One prediction as read: which input it answers, who made it. */
    private record Seen(int seq, String key, int partition, long offset, String replica) {
    }

    @Test
    void threeReplicasShareThePartitionsAndSurviveAKillAndAGracefulStop() throws Exception {
        String bootstrap = KafkaTestResource.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            // Every topic with the application's own specs, renamed, the images topic with six partitions.
            List<TopicSpec> topics = Topics.all(PARTITIONS).stream()
                    .map(t -> new TopicSpec(PREFIX + t.name().substring("digits".length()), t.partitions(), t.configs()))
                    .toList();
            TopicSetup.ensure(admin, topics, Duration.ofSeconds(30));
            scaleOut(bootstrap, admin);
        }
    }

    private void scaleOut(String bootstrap, Admin admin) throws Exception {
        TestModels.ensure();
        MnistSplit test = TestMnist.get().test();
        Path logs = Files.createDirectories(Path.of("target", "it-logs"));
        Map<String, String> settings = Map.of(
                "digitflow.topics.control", PREFIX + ".control",
                "digitflow.topics.models", PREFIX + ".models",
                "digitflow.topics.events", PREFIX + ".events",
                "digitflow.topics.labeled", PREFIX + ".labeled",
                "digitflow.serve.train-if-missing", "false",
                // A killed member is noticed after the session timeout: the broker's minimum, not 45 s.
                "mp.messaging.incoming.images.session.timeout.ms", "6000",
                "mp.messaging.incoming.images.heartbeat.interval.ms", "1000",
                "org.bytedeco.javacpp.cachedir", TestModels.HOME.resolve("javacpp").toString());

        List<Seen> seen = new ArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        AtomicReference<Throwable> streamFailure = new AtomicReference<>();
        Thread stream = new Thread(() -> {
            try {
                stream(bootstrap, test, sent, gate);
            } catch (Throwable e) {
                streamFailure.set(e);
            }
        }, "keyed-stream");

        Map<TopicPartition, Long> committedAtKill;
        Set<TopicPartition> killedPartitions;
        AppProcess a = AppProcess.serve(bootstrap, PREFIX, log(logs, "a"), named(settings, "a"));
        AppProcess b = AppProcess.serve(bootstrap, PREFIX, log(logs, "b"), named(settings, "b"));
        AppProcess c = AppProcess.serve(bootstrap, PREFIX, log(logs, "c"), named(settings, "c"));
        String killed = "/" + a.pid();
        try (KafkaConsumer<String, byte[]> reader = KafkaClients.consumer(bootstrap, PREFIX + ".predictions")) {
            Runnable drain = () -> reader.poll(Duration.ofMillis(100)).forEach(r -> seen.add(parse(r)));
            await("three members with two partitions each").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> assignment(admin).size() == 3 && assignment(admin).values().stream()
                            .allMatch(p -> p.size() == PARTITIONS / 3) || !(a.isAlive() && b.isAlive() && c.isAlive()));
            assertThat(a.isAlive() && b.isAlive() && c.isAlive()).as("three services running (see %s)", logs).isTrue();
            stream.start();

            // SIGKILL mid-stream, once the victim has answered some images.
            await("a third of the stream, some of it answered by the victim").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(20)).until(() -> {
                        drain.run();
                        return sent.get() >= IMAGES / 3 && seen.stream().anyMatch(s -> s.replica().endsWith(killed));
                    });
            // The group still lists the victim until its session times out: its partitions, as assigned.
            killedPartitions = assignment(admin).get(CLIENT_PREFIX + "a");
            a.kill();
            committedAtKill = committed(admin);
            assertThat(killedPartitions).as("partitions of the killed process").hasSize(PARTITIONS / 3);

            // The group notices the kill and hands its partitions to the other two.
            await("two members with three partitions each").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        drain.run();
                        Map<String, Set<TopicPartition>> members = assignment(admin);
                        return members.size() == 2 && members.values().stream().allMatch(p -> p.size() == PARTITIONS / 2);
                    });
            gate.countDown();

            // SIGTERM mid-stream: the replica drains, commits and leaves; the stream keeps flowing.
            await("the stream past the gate").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        drain.run();
                        return sent.get() >= GATE + 2_000;
                    });
            int sentAtStop = sent.get();
            assertThat(b.stop(Duration.ofSeconds(60))).as("graceful stop within 60 s (see %s)", logs).isTrue();
            assertThat(sentAtStop).as("stopped mid-stream").isLessThan(IMAGES);

            await("every image predicted").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        drain.run();
                        return seen.stream().map(Seen::seq).distinct().count() >= IMAGES || !c.isAlive()
                                || streamFailure.get() != null;
                    });
            assertThat(streamFailure.get()).as("the stream").isNull();
            assertThat(c.isAlive()).as("the last service running (see %s)", logs).isTrue();
            stream.join(TimeUnit.SECONDS.toMillis(10));
        } finally {
            gate.countDown();
            for (AppProcess process : List.of(a, b, c)) {
                process.close();
            }
        }

        Set<Integer> seqs = seen.stream().map(Seen::seq).collect(Collectors.toSet());
        assertThat(seqs).as("every image predicted").hasSize(IMAGES);
        assertThat(seen.stream().map(Seen::replica).distinct()).as("all three answered").hasSize(3);

        // Duplicates: inputs (partition, offset) answered more than once, in the order they were answered.
        Map<String, List<Seen>> byInput = new LinkedHashMap<>();
        for (Seen s : seen) {
            byInput.computeIfAbsent(s.partition() + "@" + s.offset(), k -> new ArrayList<>()).add(s);
        }
        List<List<Seen>> duplicates = byInput.values().stream().filter(copies -> copies.size() > 1).toList();
        for (List<Seen> copies : duplicates) {
            Seen first = copies.get(0);
            // In flight at the kill: answered by the killed process, in its partitions, after its last commit.
            assertThat(copies).as("answered twice at most: %s", copies).hasSize(2);
            assertThat(first.replica()).as("only the killed process's answers are repeated: %s", copies).endsWith(killed);
            TopicPartition partition = new TopicPartition(PREFIX + ".images", first.partition());
            assertThat(killedPartitions).as("partition of %s", copies).contains(partition);
            assertThat(first.offset()).as("after the last commit before the kill: %s", copies)
                    .isGreaterThanOrEqualTo(committedAtKill.getOrDefault(partition, 0L));
        }
        System.out.printf("Scale-out: %d images, 3 -> 2 -> 1 replicas; %d duplicates, all answered by the killed "
                + "process after its last commit%n", IMAGES, duplicates.size());

        // Per key, the first answers follow the input order.
        Map<String, Long> lastOffset = new HashMap<>();
        Set<String> answered = new HashSet<>();
        for (Seen s : seen) {
            if (answered.add(s.partition() + "@" + s.offset())) {
                Long previous = lastOffset.put(s.key(), s.offset());
                assertThat(previous == null || previous < s.offset()).as("order of key %s at %s", s.key(), s).isTrue();
            }
        }
    }

    private static Path log(Path logs, String name) throws java.io.IOException {
        Path log = logs.resolve("scale-" + name + ".log");
        Files.deleteIfExists(log);
        return log;
    }

    /** Keyed images at a steady rate; holds at {@link #GATE} until the test opens the gate. */
    private static void stream(String bootstrap, MnistSplit test, AtomicInteger sent, CountDownLatch gate)
            throws InterruptedException {
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            long start = System.nanoTime();
            for (int i = 0; i < IMAGES; i++) {
                if (i == GATE) {
                    producer.flush();
                    if (!gate.await(2, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("the gate was never opened");
                    }
                    start = System.nanoTime() - (long) (i * 1e9 / RATE);
                }
                // Pacing, not synchronisation: a steady stream, as producers in production send.
                long due = start + (long) (i * 1e9 / RATE);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    producer.flush();
                    LockSupport.parkNanos(wait);
                }
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(PREFIX + ".images", "key-" + (i % KEYS),
                        test.image(i % test.count()));
                record.headers().add(SEQ, Integer.toString(i).getBytes(UTF_8));
                producer.send(record);
                sent.set(i + 1);
            }
            producer.flush();
        }
    }

    private static Seen parse(ConsumerRecord<String, byte[]> record) {
        Prediction prediction = PredictionJson.read(record.value());
        return new Seen(Integer.parseInt(header(record, SEQ)), record.key(), prediction.partition(),
                prediction.offset(), header(record, BatchProcessor.REPLICA_HEADER));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header %s on %s", name, record).isNotNull();
        return new String(header.value(), UTF_8);
    }

    /** The settings with a client id naming the process, so the group's description says who has what. */
    private static Map<String, String> named(Map<String, String> settings, String name) {
        Map<String, String> named = new HashMap<>(settings);
        named.put("mp.messaging.incoming.images.client.id", CLIENT_PREFIX + name);
        return named;
    }

    /** The images partitions of each member of the group by client id, once the group is stable (else empty). */
    private static Map<String, Set<TopicPartition>> assignment(Admin admin) throws Exception {
        ConsumerGroupDescription group;
        try {
            group = admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS).get(GROUP);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of(); // no member has joined yet
            }
            throw e;
        }
        if (group.groupState() != GroupState.STABLE) {
            return Map.of();
        }
        Map<String, Set<TopicPartition>> members = new HashMap<>();
        for (MemberDescription member : group.members()) {
            members.put(member.clientId(), member.assignment().topicPartitions().stream()
                    .filter(p -> p.topic().equals(PREFIX + ".images")).collect(Collectors.toSet()));
        }
        return members;
    }

    private static Map<TopicPartition, Long> committed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> committed = new HashMap<>();
        offsets.forEach((partition, offset) -> committed.put(partition, offset == null ? 0 : offset.offset()));
        return committed;
    }
}
