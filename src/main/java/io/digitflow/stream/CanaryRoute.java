package io.digitflow.stream;

import org.apache.kafka.common.utils.Utils;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Which keys a canary answers: Kafka's own murmur2 hash of the key's UTF-8 bytes (what the default
 * partitioner uses, so any client can tell where a key goes), in 100 buckets, the first {@code percent} of
 * them to the candidate. Stable per key across replicas, restarts and rebalances; a record without a key
 * always goes to the serving model.
 */
public final class CanaryRoute {

    private CanaryRoute() {
    }

    public static boolean toCandidate(String key, int percent) {
        return key != null && bucket(key) < percent;
    }

    /** The key's bucket, 0-99. */
    public static int bucket(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(UTF_8))) % 100;
    }
}
