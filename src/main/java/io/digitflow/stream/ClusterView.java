package io.digitflow.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one probe of the Kafka cluster found, and whether the outputs can be written: every partition
 * of the output topics needs at least {@code min.insync.replicas} replicas on brokers that answer, or
 * the broker holds {@code acks=all} writes until they time out (NotEnoughReplicas), and the stream
 * waits. Pure data, so the verdict is tested without a cluster.
 *
 * @param answered   false when no broker answered at all; {@code problem} then says what the client saw
 * @param problem    why no broker answered; null when one did
 * @param brokers    every broker the probe knows of, by node id, with its address ("" when unknown)
 * @param reachable  the node ids of the brokers that answered this probe
 * @param partitions per output partition ({@code topic-n}), the node ids of its replicas
 * @param minInsync  per output topic, its min.insync.replicas (1 when it could not be read)
 */
public record ClusterView(boolean answered, String problem, Map<Integer, String> brokers, Set<Integer> reachable,
                          Map<String, List<Integer>> partitions, Map<String, Integer> minInsync) {

    /** No broker answered: {@code problem} is what the client said. */
    static ClusterView noAnswer(String problem, Map<Integer, String> lastKnown) {
        return new ClusterView(false, problem, lastKnown, Set.of(), Map.of(), Map.of());
    }

    /** True when every output partition can take acks=all writes (and some broker answered). */
    public boolean writable() {
        return answered && starved().isEmpty();
    }

    /** The output partitions with fewer reachable replicas than their topic's min.insync.replicas, sorted. */
    public List<String> starved() {
        List<String> starved = new ArrayList<>();
        new TreeMap<>(partitions).forEach((partition, replicas) -> {
            long up = replicas.stream().filter(reachable::contains).count();
            int needed = minInsync.getOrDefault(topicOf(partition), 1);
            if (up < needed) {
                starved.add(partition + " (" + up + " of " + replicas.size() + " replicas reachable, min.insync.replicas "
                        + needed + ")");
            }
        });
        return starved;
    }

    /** The known brokers that did not answer, as {@code id (host:port)}, by node id. */
    public String unreachable() {
        return new TreeMap<>(brokers).entrySet().stream().filter(e -> !reachable.contains(e.getKey()))
                .map(e -> e.getKey() + (e.getValue().isEmpty() ? " (address unknown)" : " (" + e.getValue() + ")"))
                .collect(Collectors.joining(", "));
    }

    private static String topicOf(String partition) {
        return partition.substring(0, partition.lastIndexOf('-'));
    }
}
