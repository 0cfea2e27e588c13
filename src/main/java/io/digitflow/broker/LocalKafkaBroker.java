package io.digitflow.broker;

import java.util.HashMap;
import io.digitflow.kafka.ClientFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Time;
import org.jboss.logging.Logger;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/** A single-node KRaft Apache Kafka broker running inside this JVM, keeping its data in one folder. */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalKafkaBroker.class);

    /** Loopback: the local broker serves this machine only unless told otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Kafka's customary port, so any Kafka client finds the local broker where it expects one. */
    public static final int DEFAULT_PORT = 9092;
    /** 0 = a free port at each start; clients never see it, and the static quorum lets it change. */
    public static final int DEFAULT_CONTROLLER_PORT = 0;
    /** How long {@link Builder#start()} waits for the broker to answer before giving up. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final String host;
    private final int port;
    private final String clusterId;
    private final DataFolderLock lock;
    private final BrokerSecurity security;
    private KafkaRaftServer server;

    private LocalKafkaBroker(Path dataDir, String host, int port, String clusterId, DataFolderLock lock,
                             BrokerSecurity security, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.security = security;
        this.host = host;
        this.port = port;
        this.clusterId = clusterId;
        this.lock = lock;
        this.server = server;
    }

    /** A builder for a broker keeping its data (topics and cluster metadata) under {@code dataDir}. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** The address clients connect to, e.g. {@code 127.0.0.1:9092}. */
    public String bootstrapServers() {
        return host + ":" + port;
    }

    /** The port clients connect to (the chosen one when the builder was given 0). */
    public int port() {
        return port;
    }

    /** The id this data folder was formatted with; the same on every start on that folder. */
    public String clusterId() {
        return clusterId;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * The settings a client needs besides the bootstrap servers: none for the plain broker, SASL_SSL as
     * the super user for the secure one.
     */
    public Map<String, Object> adminClientProperties() {
        return security == null ? Map.of() : security.clientProperties(security.superUser(), security.superPassword());
    }

    /** Bootstrap servers and {@link #adminClientProperties()}: what a client factory needs for this broker. */
    public Map<String, Object> clientSettings() {
        Map<String, Object> settings = new java.util.HashMap<>(adminClientProperties());
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return settings;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Shuts the broker down cleanly (logs flushed, clean-shutdown markers written); idempotent. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long started = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            server = null;
            lock.close();
        }
        LOG.infof("Kafka broker on %s stopped in %d ms", bootstrapServers(), elapsedMillis(started));
    }

    @Override
    public void close() {
        stop();
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /** Configures and starts a {@link LocalKafkaBroker}. */
    public static final class Builder {
        private final Path dataDir;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private int controllerPort = DEFAULT_CONTROLLER_PORT;
        private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
        private BrokerSecurity security;
        private int nodeId = BrokerProperties.NODE_ID;
        private String quorumVoters;
        private String clusterId;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
        }

        /**
         * The address both listeners bind to and clients are told to use, so one they can reach (not
         * 0.0.0.0); other layouts set {@code listeners} and {@code advertised.listeners} through
         * {@link #properties(Map)}.
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The client port; 0 picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** The KRaft controller port; 0 picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort);
            return this;
        }

        /**
         * Makes this broker node {@code nodeId} of a multi-node cluster: {@code voters} is the static
         * controller quorum ({@code id@host:port,...}, this node's controller port among them) and
         * {@code clusterId} the id every node's data folder is formatted with. Without it the broker is
         * a cluster of its own, of one node, with a new cluster id.
         */
        public Builder clusterNode(int nodeId, String voters, String clusterId) {
            if (nodeId < 0) {
                throw new IllegalArgumentException("Not a node id: " + nodeId);
            }
            this.nodeId = nodeId;
            this.quorumVoters = Objects.requireNonNull(voters, "voters");
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            return this;
        }

        /** Broker properties applied last, over digitflow's defaults (e.g. {@code log.retention.hours}). */
        public Builder properties(Map<String, String> properties) {
            extraProperties.putAll(properties);
            return this;
        }

        /**
         * The secure mode: SASL_SSL with SCRAM users, the standard authorizer and ACLs. The users are
         * created when the data folder is formatted, so only a new folder gets them.
         */
        public Builder security(BrokerSecurity security) {
            this.security = Objects.requireNonNull(security, "security");
            return this;
        }

        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
            return this;
        }

        /**
         * Formats the data folder if it is new, starts the broker and returns once it answers clients.
         *
         * @throws IllegalStateException naming the address or folder when the broker cannot start
         */
        public LocalKafkaBroker start() {
            long started = System.nanoTime();
            DataFolderLock lock = DataFolderLock.acquire(dataDir);
            LocalKafkaBroker broker;
            try {
                broker = startLocked(lock);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
            try {
                awaitAnswer(broker.bootstrapServers(), broker.adminClientProperties(), readyTimeout);
            } catch (RuntimeException e) {
                broker.stop();
                throw e;
            }
            LOG.infof("Kafka %s broker ready on %s in %d ms (cluster %s, data in %s)", AppInfoParser.getVersion(),
                    broker.bootstrapServers(), elapsedMillis(started), broker.clusterId(), dataDir);
            return broker;
        }

        private LocalKafkaBroker startLocked(DataFolderLock lock) {
            int clientPort = port == 0 ? freePort(host) : port;
            int quorumPort = controllerPort == 0 ? freePort(host) : controllerPort;
            Path logDir = dataDir.resolve("logs");
            createDirectories(logDir);
            Properties props = BrokerProperties.combinedNode(logDir, host, clientPort, quorumPort, nodeId,
                    quorumVoters, security, extraProperties);
            // doLog=false: the broker logs its effective configuration itself once it has started.
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            String clusterId = BrokerStorage.formatIfNeeded(config,
                    security == null ? java.util.List.of() : security.scramArguments(), this.clusterId);
            KafkaRaftServer server = startServer(config, host + ":" + clientPort);
            return new LocalKafkaBroker(dataDir, host, clientPort, clusterId, lock, security, server);
        }

        private static KafkaRaftServer startServer(KafkaConfig config, String address) {
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                server.startup();
                return server;
            } catch (RuntimeException e) {
                // Kafka wraps the reason (a busy port, a folder of another cluster) several layers deep.
                var failure = new IllegalStateException("The local Kafka broker could not start on " + address
                        + ": " + rootCause(e), e);
                try {
                    // startup() leaves half-started components (threads, Kafka's folder lock) behind.
                    server.shutdown();
                    server.awaitShutdown();
                } catch (RuntimeException cleanup) {
                    failure.addSuppressed(cleanup);
                }
                throw failure;
            }
        }

        private static String rootCause(Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getMessage() + " (" + root.getClass().getSimpleName() + ")";
        }

        private static void awaitAnswer(String bootstrapServers, Map<String, Object> clientProperties,
                                        Duration timeout) {
            Map<String, Object> settings = new java.util.HashMap<>(clientProperties);
            settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            // One call that either answers within the timeout or fails; no retries past it.
            try (Admin admin = ClientFactory.of(settings).admin("digitflow-broker-check", Map.of(
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()))) {
                int nodes = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
                if (nodes == 0) {
                    throw new IllegalStateException("The local Kafka broker on " + bootstrapServers
                            + " started but reports no live node");
                }
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("The local Kafka broker on " + bootstrapServers
                        + " did not answer within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the local Kafka broker", e);
            }
        }

        private static int freePort(String host) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("No free port on " + host, e);
            }
        }

        private static void createDirectories(Path dir) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the Kafka data folder " + dir, e);
            }
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Not a port: " + port);
            }
            return port;
        }
    }
}
