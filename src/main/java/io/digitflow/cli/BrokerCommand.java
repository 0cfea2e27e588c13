package io.digitflow.cli;

import io.quarkus.runtime.Quarkus;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * {@code digitflow broker}: only the local Kafka broker (started by Main before Quarkus), for
 * running several service processes against one broker, or measuring with `send` and `watch`.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run only the local single-node Kafka broker (KRaft) that `serve` starts by default, "
                + "on 127.0.0.1:9092 (digitflow.broker.port) with its data in <home>/kafka, and create the topics. "
                + "Then start services with KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 to share it. Ctrl-C stops it."})
public class BrokerCommand implements Callable<Integer> {

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "(not started)")
    String bootstrap;

    @Override
    public Integer call() {
        System.out.println("Kafka broker ready on " + bootstrap + ". Ctrl-C stops it.");
        Quarkus.waitForExit();
        return 0;
    }
}
