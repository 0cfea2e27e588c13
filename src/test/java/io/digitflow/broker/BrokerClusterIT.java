package io.digitflow.broker;

import io.digitflow.data.MnistSplit;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.kafka.Topics;
import io.digitflow.stream.ClusterReadiness;
import io.digitflow.support.AppProcess;
import io.digitflow.support.Http;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, item 6: the packaged service against a real 3-node KRaft cluster (three broker processes,
 * every topic with 3 replicas and min.insync.replicas 2). A broker crash (SIGKILL) of a partition
 * leader loses nothing; losing two brokers of three pauses the stream, readiness says why, nothing is
 * dead-lettered for it, and the stream goes on by itself when they are back.
 */
class BrokerClusterIT {

    private static final int NODES = 3;
    private static final int IDS = 12_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** SmallRye's line when a Kafka channel fails (and stops for good): the control channel is one. */
    private static final String CHANNEL_FAILED = "SRMSG18228";
    /** The images poll loop's line when it stops for good. */
    private static final String STREAM_STOPPED = "The images stream stopped";

    @TempDir
    static Path dataDir;
    private static BrokerCluster cluster;
    private static Admin admin;

    @BeforeAll
    static void startCluster() throws Exception {
        long start = System.nanoTime();
        cluster = BrokerCluster.start(dataDir, NODES);
        admin = KafkaClients.admin(cluster.bootstrapServers());
        TopicSetup.ensure(admin, Topics.all(3), TIMEOUT);
        System.out.printf("Cluster test: %d nodes up, topics created in %.1f s%n", NODES, (System.nanoTime() - start) / 1e9);
        TestModels.ensure();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A test that took nodes away brings them back, so the next one starts with all three. */
    @AfterEach
    void allNodesBack() throws Exception {
        List<Integer> missing = new ArrayList<>();
        for (int id = 1; id <= NODES; id++) {
            if (!cluster.running().contains(id)) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            cluster.restart(missing.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    void killingThePartitionLeadersOfImagesAndPredictionsLosesNothing() throws Exception {
        long start = System.nanoTime();
        String prefix = "failover";
        createReplicatedTopics(prefix);
        produce(prefix);
        Path log = log("cluster-failover-service.log");
        Set<String> seen = new HashSet<>();
        try (AppProcess service = AppProcess.serve(cluster.bootstrapServers(), prefix, log, slowStream(0),
                TestModels.HOME);
             KafkaConsumer<String, byte[]> reader = KafkaClients.consumer(cluster.bootstrapServers(), prefix + ".predictions")) {
            awaitPredicted(reader, seen, IDS / 6, service, log);

            int imagesLeader = BrokerCluster.leader(admin, new TopicPartition(prefix + ".images", 0));
            cluster.kill(imagesLeader);
            System.out.printf("Cluster test: killed node %d, leader of %s.images-0, after %d ids%n", imagesLeader,
                    prefix, seen.size());
            awaitPredicted(reader, seen, seen.size() + IDS / 6, service, log);
            assertThat(BrokerCluster.leader(admin, new TopicPartition(prefix + ".images", 0)))
                    .as("a new leader for images-0").isNotIn(imagesLeader, -1);
            cluster.restart(imagesLeader);
            BrokerCluster.awaitFullyInSync(admin, List.of(prefix + ".images", prefix + ".predictions",
                    prefix + ".images.dlq", "__consumer_offsets"), Duration.ofMinutes(1));

            int predictionsLeader = predictionsLeaderOtherThan(prefix, imagesLeader);
            cluster.kill(predictionsLeader);
            System.out.printf("Cluster test: killed node %d, a leader of %s.predictions, after %d ids%n",
                    predictionsLeader, prefix, seen.size());
            awaitPredicted(reader, seen, seen.size() + IDS / 6, service, log);
            cluster.restart(predictionsLeader);

            awaitPredicted(reader, seen, IDS, service, log);
        }
        assertEveryIdPredictedAndNothingDeadLettered(prefix, seen);
        System.out.printf("Cluster test: leader kills, all %d ids predicted in %.1f s%n", IDS,
                (System.nanoTime() - start) / 1e9);
    }

    @Test
    void losingTwoBrokersOfThreePausesTheStreamAndItResumesByItself() throws Exception {
        long start = System.nanoTime();
        String prefix = "outage";
        createReplicatedTopics(prefix);
        produce(prefix);
        Path log = log("cluster-outage-service.log");
        int httpPort = Http.freePort();
        URI readiness = URI.create("http://localhost:" + httpPort + "/q/health/ready");
        Set<String> seen = new HashSet<>();
        try (AppProcess service = AppProcess.serve(cluster.bootstrapServers(), prefix, log,
                slowStream(httpPort), TestModels.HOME)) {
            await("ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Http.get(readiness).status() == 200 || !service.isAlive());
            try (KafkaConsumer<String, byte[]> reader = KafkaClients.consumer(cluster.bootstrapServers(),
                    prefix + ".predictions")) {
                awaitPredicted(reader, seen, IDS / 6, service, log);
            }
            int survivor = 1;
            cluster.kill(2);
            cluster.kill(3);
            long down = System.nanoTime();
            System.out.printf("Cluster test: killed nodes 2 and 3 after %d ids%n", seen.size());
            Http.Answer[] answer = {null};
            await("readiness DOWN naming the cluster problem").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        answer[0] = Http.get(readiness);
                        return answer[0].status() == 503 && answer[0].body().contains(ClusterReadiness.NAME)
                                && answer[0].body().contains("min.insync.replicas");
                    });
            System.out.printf("Cluster test: readiness DOWN %.1f s after the kills: %s%n",
                    (System.nanoTime() - down) / 1e9, answer[0].body());
            assertThat(answer[0].body()).contains("2 (" + cluster.address(2) + ")", "3 (" + cluster.address(3) + ")",
                    prefix + ".predictions-0");
            assertThat(answer[0].body()).doesNotContain(survivor + " (" + cluster.address(survivor) + ")");
            assertThat(service.isAlive()).as("service running during the outage (see %s)", log).isTrue();

            // Back at once: the outage lasts as long as two nodes take to start and recover (10-15 s here),
            // long past the producer's 5 s request timeout, so outputs are retried throughout.
            cluster.restart(2, 3);
            long back = System.nanoTime();
            await("readiness UP again").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Http.get(readiness).status() == 200 || !service.isAlive());
            System.out.printf("Cluster test: readiness UP %.1f s after the nodes were back%n",
                    (System.nanoTime() - back) / 1e9);
            try (KafkaConsumer<String, byte[]> reader = KafkaClients.consumer(cluster.bootstrapServers(),
                    prefix + ".predictions")) {
                seen.clear();
                awaitPredicted(reader, seen, IDS, service, log);
            }
            assertThat(service.isAlive()).isTrue();
            assertThat(Files.readString(log)).as("the channel never failed (see %s)", log)
                    .doesNotContain(STREAM_STOPPED, "SRMSG18203", "TooManyMessagesWithoutAck");
        }
        assertEveryIdPredictedAndNothingDeadLettered(prefix, seen);
        System.out.printf("Cluster test: two of three away, all %d ids predicted in %.1f s%n", IDS,
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * A group coordinator lost after the assignment, before a partition's first record: SmallRye's throttled
     * strategy (the images channel's until the poll loop of our own) asked the coordinator for that partition's
     * committed offset and failed the channel for good after default.api.timeout.ms. The records must reach
     * the service, wait for the cluster and be predicted once it is back, with the stream never stopped. Made deterministic: the images topic has one partition with its only replica on a
     * node that is not the group's coordinator, and it stays empty until the coordinator and the third node
     * are gone (two of three: no controller quorum, so the coordinator cannot move either).
     */
    @Test
    void aCoordinatorLostBeforeAPartitionsFirstRecordOnlyPausesIt() throws Exception {
        String prefix = "coordinator";
        String group = prefix + "-service";
        Map<String, String> minInsync = Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        TopicSetup.ensure(admin, List.of(new TopicSpec(prefix + ".predictions", 3, minInsync),
                new TopicSpec(prefix + ".images.dlq", 1, minInsync)), TIMEOUT);
        // An offset of a topic the service does not read makes the group known, so its coordinator can be asked.
        admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(prefix + ".images.dlq", 0),
                new OffsetAndMetadata(0))).all().get(30, TimeUnit.SECONDS);
        int coordinator = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                .get(group).coordinator().id();
        int survivor = coordinator % NODES + 1;
        TopicPartition images = new TopicPartition(prefix + ".images", 0);
        admin.createTopics(List.of(new NewTopic(images.topic(), Map.of(0, List.of(survivor)))))
                .all().get(30, TimeUnit.SECONDS);
        Path log = log("cluster-coordinator-service.log");
        int httpPort = Http.freePort();
        URI readiness = URI.create("http://localhost:" + httpPort + "/q/health/ready");
        try (AppProcess service = AppProcess.serve(cluster.bootstrapServers(), prefix, log,
                slowStream(httpPort), TestModels.HOME)) {
            await("ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Http.get(readiness).status() == 200 || !service.isAlive());
            assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();
            assertThat(admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group)
                    .coordinator().id()).as("the group's coordinator").isEqualTo(coordinator);

            for (int id : othersThan(survivor)) {
                cluster.kill(id);
            }
            System.out.printf("Cluster test: coordinator %d and the third node gone; sending to %s on node %d%n",
                    coordinator, images, survivor);
            int count = 200;
            MnistSplit test = TestMnist.get().test();
            // acks=1: the one node left takes the records although the topic wants two in sync.
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    "bootstrap.servers", cluster.address(survivor), "acks", "1", "enable.idempotence", "false",
                    "key.serializer", StringSerializer.class, "value.serializer", ByteArraySerializer.class))) {
                List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    records.add(new ProducerRecord<>(images.topic(), images.partition(), "id-" + i, test.image(i)));
                }
                KafkaClients.sendAll(producer, records);
            }
            // The partition's first records reach the service while the coordinator is away: its poll loop
            // fetches from the partition's leader and classifies them; their outputs (the predictions topic
            // wants two replicas in sync) and commits wait for the cluster, and the loop polls no further than
            // digitflow.batch.max-in-flight batches ahead of the broker.
            URI metrics = URI.create("http://localhost:" + httpPort + "/q/metrics");
            await("the first records polled while the coordinator is away").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> recordsIn(Http.get(metrics).body()) > 0 || !service.isAlive());
            assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();
            assertThat(Files.readString(log)).as("the images stream did not stop (see %s)", log)
                    .doesNotContain(CHANNEL_FAILED, STREAM_STOPPED);

            cluster.restart(othersThan(survivor));
            Set<String> seen = new HashSet<>();
            try (KafkaConsumer<String, byte[]> reader = KafkaClients.consumer(cluster.bootstrapServers(),
                    prefix + ".predictions")) {
                await(count + " ids predicted").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                                seen.add(r.key());
                            }
                            return seen.size() >= count || !service.isAlive();
                        });
            }
            assertThat(seen).hasSize(count);
            assertThat(Files.readString(log)).as("the channel never failed (see %s)", log)
                    .doesNotContain(CHANNEL_FAILED, STREAM_STOPPED, "SRMSG18203", "SRMSG18217");
        }
    }

    /** The service's digitflow_records_in_total in a Prometheus scrape; 0 before the first record. */
    private static double recordsIn(String scrape) {
        return scrape.lines().filter(line -> line.startsWith("digitflow_records_in_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * Outputs that cannot reach the broker for longer than the consumer's max.poll.interval.ms: the images poll
     * loop takes no further batch while max-in-flight batches wait, but it must go on polling (its partitions
     * paused) so that the group keeps the replica. A loop that only waited for room would miss its poll
     * deadline: the consumer gives its partitions up ("poll timeout has expired"), they are lost, and the
     * batches already classified are classified again after the rejoin. Made deterministic: the predictions
     * topic has one partition on a node that is neither the group's coordinator nor the images' leader, and
     * that node is away for five poll intervals.
     */
    @Test
    void outputsStalledLongerThanThePollIntervalKeepTheReplicaInItsGroup() throws Exception {
        String prefix = "stalled";
        int images = 400;
        Duration pollInterval = Duration.ofSeconds(3);
        Stall stall = stall(prefix, 1, pollInterval);
        int away = stall.away();
        Path log = stall.log();
        URI metrics = stall.metrics();
        Map<String, Integer> predicted = new HashMap<>();
        try (AppProcess service = stall.serveReady(prefix);
             KafkaConsumer<String, byte[]> reader = KafkaClients.consumer(cluster.bootstrapServers(),
                     prefix + ".predictions")) {

            cluster.kill(away);
            MnistSplit test = TestMnist.get().test();
            try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(cluster.bootstrapServers())) {
                List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
                for (int i = 0; i < images; i++) {
                    records.add(new ProducerRecord<>(prefix + ".images", 0, "id-" + i, test.image(i)));
                }
                KafkaClients.sendAll(producer, records);
            }
            await("the first batches classified, their outputs held up").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> recordsIn(Http.get(metrics).body()) > 0 || !service.isAlive());
            await("the service running through five poll intervals with the predictions' node away")
                    .during(pollInterval.multipliedBy(5)).atMost(pollInterval.multipliedBy(7)).until(service::isAlive);

            cluster.restart(away);
            await(images + " ids predicted").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                            predicted.merge(r.key(), 1, Integer::sum);
                        }
                        return predicted.size() >= images || !service.isAlive();
                    });
            assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();
            assertThat(Files.readString(log)).as("the group kept the replica (see %s)", log)
                    .doesNotContain("poll timeout has expired", "Lost [", STREAM_STOPPED);
        }
        assertThat(predicted).hasSize(images);
        assertThat(predicted.values()).as("each id predicted once: no batch classified again").allMatch(n -> n == 1);
    }

    /**
     * A partition handed to a replica while its outputs are stalled and its own partitions paused: the poll that
     * brings the assignment may bring that partition's records too. Classified then, their send would wait for
     * room on the poll thread past max.poll.interval.ms, and the group would drop the replica (the batches in
     * flight classified again). They are put back and the partition paused with the others instead.
     * Cooperative rebalancing, so that the hand-over only adds a partition (an eager one revokes all and drains).
     */
    @Test
    void aPartitionAssignedDuringAnOutputStallWaitsWithTheOthers() throws Exception {
        String prefix = "handover";
        int perPartition = 200;
        Duration pollInterval = Duration.ofSeconds(3);
        Stall stall = stall(prefix, 2, pollInterval);
        int away = stall.away();
        Path log = stall.log();
        stall.settings().put("mp.messaging.incoming.images.partition.assignment.strategy", COOPERATIVE);
        Map<String, Integer> predicted = new HashMap<>();
        try (AppProcess service = stall.serveReady(prefix);
             KafkaConsumer<String, byte[]> reader = KafkaClients.consumer(cluster.bootstrapServers(),
                     prefix + ".predictions")) {

            // A second member takes one partition and never reads it (paused), then leaves during the stall.
            Set<TopicPartition> taken = new HashSet<>();
            TopicPartition handedOver;
            try (KafkaConsumer<String, byte[]> other = KafkaClients.member(cluster.bootstrapServers(), stall.group(),
                    COOPERATIVE)) {
                other.subscribe(List.of(prefix + ".images"), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        taken.removeAll(partitions);
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        other.pause(partitions);
                        taken.addAll(partitions);
                    }
                });
                await("the second member holding a partition").atMost(Duration.ofMinutes(1))
                        .until(() -> {
                            other.poll(Duration.ofMillis(100));
                            return !taken.isEmpty();
                        });
                assertThat(taken).hasSize(1);
                handedOver = taken.iterator().next();

                cluster.kill(away);
                MnistSplit test = TestMnist.get().test();
                try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(cluster.bootstrapServers())) {
                    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
                    for (int i = 0; i < 2 * perPartition; i++) {
                        records.add(new ProducerRecord<>(prefix + ".images", i % 2, "id-" + i, test.image(i)));
                    }
                    KafkaClients.sendAll(producer, records);
                }
                await("the replica's own partition paused, its outputs held up").atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> Files.readString(log).contains(PAUSED) || !service.isAlive());
            }
            await("the handed-over partition assigned to the replica").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> assignedAfterPause(Files.readString(log), handedOver.toString()) || !service.isAlive());
            await("the service running through five poll intervals with the predictions' node away")
                    .during(pollInterval.multipliedBy(5)).atMost(pollInterval.multipliedBy(7)).until(service::isAlive);

            cluster.restart(away);
            await(2 * perPartition + " ids predicted").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                            predicted.merge(r.key(), 1, Integer::sum);
                        }
                        return predicted.size() >= 2 * perPartition || !service.isAlive();
                    });
            assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();
            assertThat(Files.readString(log)).as("the group kept the replica (see %s)", log)
                    .doesNotContain("poll timeout has expired", "Lost [", STREAM_STOPPED);
        }
        assertThat(predicted).hasSize(2 * perPartition);
        assertThat(predicted.values()).as("each id predicted once: no batch classified again").allMatch(n -> n == 1);
    }

    /** An output stall's set-up: the node to take away, the service's log, endpoints and settings. */
    private record Stall(String group, int away, Path log, URI readiness, URI metrics, Map<String, String> settings) {

        /** The service with these settings, once ready. */
        AppProcess serveReady(String prefix) throws Exception {
            AppProcess service = AppProcess.serve(cluster.bootstrapServers(), prefix, log, settings, TestModels.HOME);
            try {
                await("ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                        .until(() -> Http.get(readiness).status() == 200 || !service.isAlive());
                assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();
                return service;
            } catch (RuntimeException | Error e) {
                service.close();
                throw e;
            }
        }
    }

    /**
     * Topics for an output stall of the service in group {@code <prefix>-service}, and its settings: a slow
     * stream, the given max.poll.interval.ms. See {@link #predictionsAwayFromTheCoordinator}.
     */
    private static Stall stall(String prefix, int imagesPartitions, Duration pollInterval) throws Exception {
        String group = prefix + "-service";
        int away = predictionsAwayFromTheCoordinator(prefix, group, imagesPartitions);
        int httpPort = Http.freePort();
        Map<String, String> settings = new HashMap<>(slowStream(httpPort));
        settings.put("mp.messaging.incoming.images.max.poll.interval.ms", String.valueOf(pollInterval.toMillis()));
        return new Stall(group, away, log("cluster-" + prefix + "-service.log"),
                URI.create("http://localhost:" + httpPort + "/q/health/ready"),
                URI.create("http://localhost:" + httpPort + "/q/metrics"), settings);
    }

    /**
     * The prefixed topics for an output stall: the images ({@code imagesPartitions}) and dead letters on the
     * group's coordinator, the predictions' one partition on another node (returned), so that node can go away
     * while the group and the images stay reachable.
     */
    private static int predictionsAwayFromTheCoordinator(String prefix, String group, int imagesPartitions)
            throws Exception {
        // An offset of a topic the service does not read makes the group known, so its coordinator can be asked.
        TopicSetup.ensure(admin, List.of(new TopicSpec(prefix + ".marker", 1, Map.of())), TIMEOUT);
        admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(prefix + ".marker", 0),
                new OffsetAndMetadata(0))).all().get(30, TimeUnit.SECONDS);
        int coordinator = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                .get(group).coordinator().id();
        int away = coordinator % NODES + 1;
        Map<String, String> oneReplica = Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1");
        Map<Integer, List<Integer>> images = new HashMap<>();
        for (int p = 0; p < imagesPartitions; p++) {
            images.put(p, List.of(coordinator));
        }
        admin.createTopics(List.of(new NewTopic(prefix + ".images", images).configs(oneReplica),
                new NewTopic(prefix + ".predictions", Map.of(0, List.of(away))).configs(oneReplica),
                new NewTopic(prefix + ".images.dlq", Map.of(0, List.of(coordinator))).configs(oneReplica)))
                .all().get(30, TimeUnit.SECONDS);
        return away;
    }

    private static final String COOPERATIVE = "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
    /** ImagePolling's line when it pauses its partitions for want of room among the batches in flight. */
    private static final String PAUSED = "has not acknowledged the outputs";

    /** Whether the service's log says {@code partition} was assigned after it paused for room. */
    private static boolean assignedAfterPause(String log, String partition) {
        int paused = log.indexOf(PAUSED);
        if (paused < 0) {
            return false;
        }
        return log.substring(paused).lines().anyMatch(line -> line.contains("Assigned {") && line.contains(partition + "="));
    }

    private static int[] othersThan(int survivor) {
        return IntStream.rangeClosed(1, NODES).filter(id -> id != survivor).toArray();
    }

    /** The prefixed topics with 3 replicas (the cluster's default) and min.insync.replicas 2, checked. */
    private static void createReplicatedTopics(String prefix) throws Exception {
        Map<String, String> minInsync = Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        List<String> names = List.of(prefix + ".images", prefix + ".predictions", prefix + ".images.dlq");
        TopicSetup.ensure(admin, List.of(new TopicSpec(names.get(0), 3, minInsync),
                new TopicSpec(names.get(1), 3, minInsync), new TopicSpec(names.get(2), 1, minInsync)), TIMEOUT);
        for (TopicDescription topic : admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            topic.partitions().forEach(p -> assertThat(p.replicas()).as(topic.name()).hasSize(3));
            var config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic.name())))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next();
            assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("2");
        }
    }

    private static void produce(String prefix) {
        MnistSplit test = TestMnist.get().test();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(cluster.bootstrapServers())) {
            for (int i = 0; i < IDS; i++) {
                producer.send(new ProducerRecord<>(prefix + ".images", "id-" + i, test.image(i % test.count())));
            }
            producer.flush();
        }
    }

    /** Small batches slow the stream down, so the faults land mid-stream on any machine. */
    private static Map<String, String> slowStream(int httpPort) {
        return Map.of("quarkus.http.port", String.valueOf(httpPort), "digitflow.batch.max-size", "16",
                "mp.messaging.incoming.images.max.poll.records", "32",
                "digitflow.serve.cluster-probe-interval", "1s");
    }

    private static int predictionsLeaderOtherThan(String prefix, int node) throws Exception {
        for (int p = 0; p < 3; p++) {
            int leader = BrokerCluster.leader(admin, new TopicPartition(prefix + ".predictions", p));
            if (leader != node && leader != -1) {
                return leader;
            }
        }
        return BrokerCluster.leader(admin, new TopicPartition(prefix + ".predictions", 0));
    }

    private static void awaitPredicted(KafkaConsumer<String, byte[]> reader, Set<String> seen, int atLeast,
                                       AppProcess service, Path log) {
        await(atLeast + " ids predicted").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                        seen.add(r.key());
                    }
                    return seen.size() >= Math.min(atLeast, IDS) || !service.isAlive();
                });
        assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();
    }

    private static void assertEveryIdPredictedAndNothingDeadLettered(String prefix, Set<String> seen) throws Exception {
        assertThat(seen).hasSize(IDS);
        for (int i = 0; i < IDS; i++) {
            assertThat(seen).contains("id-" + i);
        }
        TopicPartition dlq = new TopicPartition(prefix + ".images.dlq", 0);
        long deadLetters = admin.listOffsets(Map.of(dlq, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS)
                .get(dlq).offset();
        assertThat(deadLetters).as("records dead-lettered").isZero();
    }

    private static Path log(String name) throws Exception {
        Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve(name);
        Files.deleteIfExists(log);
        return log;
    }
}
