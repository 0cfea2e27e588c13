package io.digitflow.broker;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A KRaft cluster of {@code n} combined broker+controller nodes, each a {@link BrokerProcess} (its own
 * JVM, so a test can SIGKILL it), on fixed ports so a killed node comes back where it was. Replicated
 * like a production cluster: every topic and internal topic has 3 replicas and takes writes with
 * {@code acks=all} while 2 of them are in sync.
 */
public final class BrokerCluster implements AutoCloseable {

    /** Each node's heap: the three brokers share two cores and the machine with the service. */
    private static final String HEAP = "320m";

    /** The cluster's choice, as on a production cluster (deploy/kubernetes/kafka-topics.yaml says the same). */
    static final Map<String, String> REPLICATED = Map.of(
            "default.replication.factor", "3",
            "min.insync.replicas", "2",
            "offsets.topic.replication.factor", "3",
            "transaction.state.log.replication.factor", "3",
            "transaction.state.log.min.isr", "2",
            "share.coordinator.state.topic.replication.factor", "3",
            "share.coordinator.state.topic.min.isr", "2");

    private final Path dir;
    private final String clusterId;
    private final String voters;
    private final Map<Integer, int[]> ports;
    private final Map<Integer, BrokerProcess> nodes = new LinkedHashMap<>();

    private BrokerCluster(Path dir, String clusterId, String voters, Map<Integer, int[]> ports) {
        this.dir = dir;
        this.clusterId = clusterId;
        this.voters = voters;
        this.ports = ports;
    }

    /** Starts nodes 1..{@code size} with their data under {@code dir}; returns once every one answers. */
    public static BrokerCluster start(Path dir, int size) throws Exception {
        Map<Integer, int[]> ports = new LinkedHashMap<>();
        for (int id = 1; id <= size; id++) {
            ports.put(id, new int[] {freePort(), freePort()});
        }
        String voters = ports.entrySet().stream()
                .map(e -> e.getKey() + "@" + LocalKafkaBroker.DEFAULT_HOST + ":" + e.getValue()[1])
                .collect(Collectors.joining(","));
        BrokerCluster cluster = new BrokerCluster(dir, Uuid.randomUuid().toString(), voters, ports);
        try {
            // All at once: a node answers only once a majority of the quorum is up.
            List<BrokerProcess.Launch> launches = new ArrayList<>();
            for (int id : ports.keySet()) {
                launches.add(cluster.launch(id));
            }
            int id = 1;
            for (BrokerProcess.Launch launch : launches) {
                cluster.nodes.put(id++, launch.await());
            }
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private BrokerProcess.Launch launch(int id) throws IOException {
        int[] p = ports.get(id);
        return BrokerProcess.launchNode(dir.resolve("node-" + id), p[0], id, p[1], voters, clusterId, REPLICATED, HEAP);
    }

    /** Every node's client address: clients find the cluster through whichever nodes are up. */
    public String bootstrapServers() {
        return ports.values().stream().map(p -> LocalKafkaBroker.DEFAULT_HOST + ":" + p[0])
                .collect(Collectors.joining(","));
    }

    /** The client address of node {@code id}. */
    public String address(int id) {
        return LocalKafkaBroker.DEFAULT_HOST + ":" + ports.get(id)[0];
    }

    /** SIGKILL of node {@code id}: a crash, with no clean shutdown. */
    public void kill(int id) throws InterruptedException {
        BrokerProcess node = nodes.remove(id);
        if (node != null) {
            node.kill();
        }
    }

    /** Starts the killed nodes {@code ids} again on their folders and ports; returns once each answers. */
    public void restart(int... ids) throws Exception {
        List<BrokerProcess.Launch> launches = new ArrayList<>();
        for (int id : ids) {
            if (nodes.containsKey(id)) {
                throw new IllegalStateException("node " + id + " is running");
            }
            launches.add(launch(id));
        }
        for (int i = 0; i < ids.length; i++) {
            nodes.put(ids[i], launches.get(i).await());
        }
    }

    /** The nodes running now. */
    public Collection<Integer> running() {
        return List.copyOf(nodes.keySet());
    }

    /** The leader of {@code partition} as the cluster reports it; -1 when it has none. */
    public static int leader(Admin admin, TopicPartition partition) throws Exception {
        TopicDescription topic = admin.describeTopics(List.of(partition.topic())).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(partition.topic());
        Node leader = topic.partitions().get(partition.partition()).leader();
        return leader == null ? -1 : leader.id();
    }

    /**
     * Waits until every partition of {@code topics} has a leader and all its replicas in sync: a
     * restarted node has caught up, so another may be taken away without the topics going under
     * min.insync.replicas.
     */
    public static void awaitFullyInSync(Admin admin, Collection<String> topics, Duration timeout) {
        await("every replica of " + topics + " in sync").atMost(timeout).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    for (TopicDescription topic : admin.describeTopics(topics).allTopicNames()
                            .get(10, TimeUnit.SECONDS).values()) {
                        for (TopicPartitionInfo p : topic.partitions()) {
                            if (p.leader() == null || p.isr().size() != p.replicas().size()) {
                                return false;
                            }
                        }
                    }
                    return true;
                });
    }

    /**
     * SIGKILLs every node: a clean shutdown of the last nodes would wait for a quorum that is gone, and
     * the data is thrown away anyway.
     */
    @Override
    public void close() throws Exception {
        for (BrokerProcess node : nodes.values()) {
            node.kill();
        }
        nodes.clear();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LocalKafkaBroker.DEFAULT_HOST))) {
            return socket.getLocalPort();
        }
    }
}
