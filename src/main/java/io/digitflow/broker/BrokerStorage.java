package io.digitflow.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.jboss.logging.Logger;

import kafka.server.KafkaConfig;

/**
 * The broker's data folder: formatted once with a new cluster id (what {@code kafka-storage.sh format}
 * does, through Kafka's own {@link Formatter}), reused as it is on every later start.
 */
final class BrokerStorage {

    private static final Logger LOG = Logger.getLogger(BrokerStorage.class);

    private BrokerStorage() {
    }

    /**
     * Formats whichever log directories are not formatted yet (all of them on the first start) and
     * returns the cluster id they belong to: the one already on disk, else {@code newClusterId} (the
     * nodes of one cluster share it), else a new one.
     */
    static String formatIfNeeded(KafkaConfig config, java.util.List<String> scramArguments, String newClusterId) {
        Optional<String> existing = clusterId(config);
        String clusterId = existing.orElseGet(() -> newClusterId != null ? newClusterId : Uuid.randomUuid().toString());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    // The Formatter talks to System.out by default; the service logs instead.
                    .setPrintStream(out)
                    .setNodeId(config.nodeId())
                    .setClusterId(clusterId)
                    .setControllerListenerName(BrokerProperties.CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setDirectories(config.logDirs())
                    // Like `kafka-storage.sh format --ignore-formatted`: formatted folders keep their data
                    // (the Formatter still checks that they belong to this cluster id and node id).
                    .setIgnoreFormatted(true)
                    // A static quorum (controller.quorum.voters): kraft.version 0, no voter snapshot.
                    .setHasDynamicQuorum(false)
                    // SCRAM users of the secure mode (`--add-scram`): the broker's own login has to exist
                    // before it starts, since it cannot be added through a listener that requires it.
                    .setScramArguments(scramArguments)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format the Kafka data folder " + config.metadataLogDir()
                    + ": " + e.getMessage(), e);
        }
        String report = printed.toString(StandardCharsets.UTF_8).strip();
        if (existing.isEmpty()) {
            LOG.infof("Formatted a new Kafka data folder for cluster %s: %s", clusterId, report);
        } else {
            LOG.debugf("Kafka data folder of cluster %s: %s", clusterId, report);
        }
        return clusterId;
    }

    /**
     * The cluster id of an already formatted folder. meta.properties is the last file the Formatter
     * writes, so a folder that has it is complete, and one killed mid-format is simply formatted again.
     */
    static Optional<String> clusterId(KafkaConfig config) {
        try {
            return new MetaPropertiesEnsemble.Loader()
                    .addMetadataLogDir(config.metadataLogDir())
                    .addLogDirs(config.logDirs())
                    .load()
                    .clusterId();
        } catch (IOException e) {
            throw new IllegalStateException("Could not read the Kafka data folder " + config.metadataLogDir()
                    + ": " + e.getMessage(), e);
        }
    }
}
