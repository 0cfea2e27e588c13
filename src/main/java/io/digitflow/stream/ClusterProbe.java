package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.kafka.ClientFactory;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Probes, in the background, whether the brokers holding the output topics' replicas answer, for the
 * {@code kafka-cluster} readiness check. The clients alone cannot tell: with two brokers of three gone
 * the producer still has a connection to the third and retries NotEnoughReplicas quietly until
 * {@code digitflow.output.delivery-timeout}. Each broker is asked for its own configuration, a request
 * only that broker answers; any answer, even "not authorised", counts as reachable.
 */
@ApplicationScoped
public class ClusterProbe {

    /** A probe's result and when it was made. */
    public record Probed(ClusterView view, long atMillis) {
    }

    /** Broker addresses remembered by node id, to name a broker the cluster no longer lists; bounded. */
    private static final int MAX_REMEMBERED = 1024;

    private final Map<String, Object> kafka;
    private final List<String> outputTopics;
    private final Duration interval;
    private final Duration timeout;
    private final Map<Integer, String> addresses = new ConcurrentHashMap<>();
    private volatile Probed latest;
    private ScheduledExecutorService executor;
    private Admin admin;

    public ClusterProbe(@Identifier("default-kafka-broker") Map<String, Object> kafka, DigitflowConfig config) {
        this.kafka = kafka;
        this.outputTopics = List.of(config.topics().predictions(), config.topics().deadLetters());
        this.interval = config.serve().clusterProbeInterval();
        this.timeout = config.serve().clusterProbeTimeout();
    }

    /** Starts probing every {@code digitflow.serve.cluster-probe-interval}, unless it has started already. */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        int millis = (int) timeout.toMillis();
        admin = ClientFactory.of(kafka).admin("digitflow-cluster-probe", Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis));
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "digitflow-cluster-probe");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::probeQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The latest probe; empty until the first one is done. */
    public Optional<Probed> latest() {
        return Optional.ofNullable(latest);
    }

    private void probeQuietly() {
        try {
            latest = new Probed(probe(), System.currentTimeMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A bug here must not end the schedule: readiness would report a stale view for ever.
            Log.warnf(e, "Cluster probe failed");
            latest = new Probed(ClusterView.noAnswer("the probe failed: " + e, Map.copyOf(addresses)),
                    System.currentTimeMillis());
        }
    }

    /** One probe: the brokers, the output partitions' replicas, their min.insync.replicas, who answers. */
    ClusterView probe() throws InterruptedException {
        Set<Integer> ids = new TreeSet<>();
        try {
            Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis())).nodes()
                    .get(waitMillis(), TimeUnit.MILLISECONDS);
            nodes.forEach(node -> ids.add(remember(node)));
        } catch (ExecutionException e) {
            return ClusterView.noAnswer(String.valueOf(e.getCause()), Map.copyOf(addresses));
        } catch (TimeoutException e) {
            return ClusterView.noAnswer("no broker answered within " + timeout, Map.copyOf(addresses));
        }
        Map<String, List<Integer>> partitions = new HashMap<>();
        try {
            for (TopicDescription topic : admin.describeTopics(outputTopics, new DescribeTopicsOptions()
                    .timeoutMs(millis())).allTopicNames().get(waitMillis(), TimeUnit.MILLISECONDS).values()) {
                for (TopicPartitionInfo partition : topic.partitions()) {
                    List<Integer> replicas = new ArrayList<>();
                    partition.replicas().forEach(node -> replicas.add(remember(node)));
                    ids.addAll(replicas);
                    partitions.put(topic.name() + "-" + partition.partition(), replicas);
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            // Not allowed to describe them, say: the verdict rests on the brokers alone.
            Log.debugf("Cannot describe %s: %s", outputTopics, e);
        }
        Map<String, Integer> minInsync = minInsync();
        Map<Integer, String> brokers = new HashMap<>();
        ids.forEach(id -> brokers.put(id, addresses.getOrDefault(id, "")));
        return new ClusterView(true, null, brokers, answering(ids), partitions, minInsync);
    }

    /** Each output topic's min.insync.replicas; topics whose configs cannot be read are left out (1 applies). */
    private Map<String, Integer> minInsync() throws InterruptedException {
        Map<String, Integer> result = new HashMap<>();
        List<ConfigResource> resources = outputTopics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        for (var entry : admin.describeConfigs(resources, new DescribeConfigsOptions().timeoutMs(millis()))
                .values().entrySet()) {
            try {
                Config config = entry.getValue().get(waitMillis(), TimeUnit.MILLISECONDS);
                var value = config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
                if (value != null && value.value() != null) {
                    result.put(entry.getKey().name(), Integer.parseInt(value.value()));
                }
            } catch (ExecutionException | TimeoutException | NumberFormatException e) {
                Log.debugf("Cannot read min.insync.replicas of %s: %s", entry.getKey().name(), e);
            }
        }
        return result;
    }

    /** The brokers among {@code ids} that answer a request addressed to them alone, asked all at once. */
    private Set<Integer> answering(Set<Integer> ids) throws InterruptedException {
        Map<Integer, KafkaFuture<?>> asked = new HashMap<>();
        for (int id : ids) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(id));
            asked.put(id, admin.describeConfigs(List.of(broker), new DescribeConfigsOptions().timeoutMs(millis()))
                    .all());
        }
        Set<Integer> answering = new HashSet<>();
        for (var entry : asked.entrySet()) {
            try {
                entry.getValue().get(waitMillis(), TimeUnit.MILLISECONDS);
                answering.add(entry.getKey());
            } catch (ExecutionException e) {
                // A refusal (authorisation, say) is an answer; a timeout or a broken connection is not.
                if (!(e.getCause() instanceof RetriableException)) {
                    answering.add(entry.getKey());
                }
            } catch (TimeoutException e) {
                // no answer
            }
        }
        return answering;
    }

    private int remember(Node node) {
        if (node.host() != null && !node.host().isEmpty() && node.port() > 0
                && (addresses.size() < MAX_REMEMBERED || addresses.containsKey(node.id()))) {
            addresses.put(node.id(), node.host() + ":" + node.port());
        }
        return node.id();
    }

    private int millis() {
        return (int) timeout.toMillis();
    }

    /** A little longer than the client's own timeout, which then answers first. */
    private long waitMillis() {
        return timeout.toMillis() + 1000;
    }

    @PreDestroy
    synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            admin.close(Duration.ofSeconds(1));
        }
    }
}
