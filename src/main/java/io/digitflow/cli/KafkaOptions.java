package io.digitflow.cli;

import io.digitflow.kafka.ClientFactory;
import io.digitflow.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;

/** Where the commands find Kafka: --bootstrap-servers, else kafka.bootstrap.servers, else the local broker. */
final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka to talk to. Default: kafka.bootstrap.servers / KAFKA_BOOTSTRAP_SERVERS, "
                    + "else the local broker of `digitflow serve` (" + ClientFactory.LOCAL_BOOTSTRAP + ").")
    String bootstrap;

    /** The same client factory the service uses, from every kafka.* setting and KAFKA_* variable. */
    ClientFactory clients() {
        return ClientFactory.of(ConfigProvider.getConfig(), bootstrap);
    }

    /** A consumer with no group and no commits that takes records up to the topics' limit: it reads. */
    KafkaConsumer<String, byte[]> reader(String clientId) {
        return reader(clientId, Map.of());
    }

    /** {@link #reader(String)} with settings of the command's own. */
    KafkaConsumer<String, byte[]> reader(String clientId, Map<String, Object> own) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_RECORD_BYTES);
        props.putAll(own);
        return clients().consumer(clientId, props);
    }
}
