package io.digitflow.broker;

import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.Topics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** The configuration of the local single-node KRaft broker, each setting with its reason. */
final class BrokerProperties {

    /** The node id of the one combined broker/controller; any value works, it only has to stay the same. */
    static final int NODE_ID = 1;

    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String CLIENT_LISTENER = "PLAINTEXT";
    /** The client listener of the secure mode; its name is also its security protocol. */
    static final String SECURE_CLIENT_LISTENER = "SASL_SSL";

    private BrokerProperties() {
    }

    /**
     * Settings clients can observe. The test container gets the same ones, so tests see the same
     * broker behaviour whichever broker they run against.
     */
    static Map<String, String> policy() {
        Map<String, String> p = new LinkedHashMap<>();
        // Topics are created on purpose by TopicSetup with their partitions and configs (digits.models
        // must be compacted). Auto-creation would silently make a delete-policy, 1-partition topic out
        // of a typo or of a consumer that subscribes before TopicSetup ran.
        p.put("auto.create.topics.enable", "false");
        // Model artifacts (the DL4J zip, ~1.5-3 MB) travel as single records; the default of ~1 MB
        // would refuse them on any topic without its own max.message.bytes (the DLQ copies input too).
        p.put("message.max.bytes", String.valueOf(Topics.MAX_RECORD_BYTES));
        // One node: the internal topics cannot have more replicas than there are brokers.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // acks=all is satisfied by the one replica there is.
        p.put("min.insync.replicas", "1");
        // The default 3 s delay waits for more group members to join; with one node it only slows
        // every first poll (and every test) down.
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    /**
     * The full configuration of a combined broker+controller node keeping its data under {@code logDir}:
     * node {@code nodeId} of a cluster whose static quorum is {@code voters} ({@code id@host:port,...},
     * every node's controller address), or with null voters a cluster of this node alone. With
     * {@code security} (may be null) clients must use SASL_SSL and ACLs apply.
     */
    static Properties combinedNode(Path logDir, String host, int port, int controllerPort, int nodeId, String voters,
                                   BrokerSecurity security, Map<String, String> extra) {
        String client = security == null ? CLIENT_LISTENER : SECURE_CLIENT_LISTENER;
        Properties p = new Properties();
        // KRaft combined mode: this one process is a broker and a controller (the whole cluster when alone).
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId));
        // A static quorum, of one voter by default. Unlike a dynamic (KIP-853) quorum it stores no endpoint
        // in the metadata log, so a lone node's controller port may differ from one start to the next.
        p.put("controller.quorum.voters", voters != null ? voters : nodeId + "@" + host + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", client + "://" + host + ":" + port + ","
                + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        // What clients are told to connect to after bootstrapping: the same address they used.
        p.put("advertised.listeners", client + "://" + host + ":" + port);
        p.put("inter.broker.listener.name", client);
        // Loopback by default: no TLS or SASL; a production cluster is reached through kafka.bootstrap.servers.
        // The secure mode (BrokerSecurity) puts SASL_SSL on the client listener and TLS on the controller's.
        p.put("listener.security.protocol.map", security == null
                ? CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT"
                : SECURE_CLIENT_LISTENER + ":SASL_SSL," + CONTROLLER_LISTENER + ":SSL");
        if (security != null) {
            p.putAll(security.brokerProperties(client, CONTROLLER_LISTENER));
        }
        // Data and the metadata log in one folder that survives restarts.
        p.put("log.dirs", logDir.toString());
        // 50 partitions spread group coordination over many brokers; on one node each is only another
        // directory of segment and index files to create and recover.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        // The log cleaner (compacted topics: digits.models, __consumer_offsets) allocates this on the
        // heap at start-up; the default 128 MiB would sit in the service's heap for a handful of keys.
        // 8 MiB still indexes ~300k keys per cleaning pass.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        // After a crash the controller (replaying its log) still counts the dead broker's session as
        // live and refuses the new one until it times out: the default 9 s is added to every restart
        // after a kill. Broker and controller share this process, so heartbeats only stop when the whole
        // JVM stalls; 3 s tolerates any ordinary GC pause, and a fenced broker is unfenced by its next
        // heartbeat (clients retry meanwhile, nothing is lost).
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "3000");
        p.putAll(policy());
        // Last, so a caller can override any of the above.
        p.putAll(extra);
        return p;
    }
}
