package io.digitflow.kafka;

import java.util.Map;
import java.util.Objects;

/** A topic to create: its name, partition count and topic-level configs. */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("Topic " + name + " needs at least one partition, got " + partitions);
        }
        configs = Map.copyOf(configs);
    }
}
