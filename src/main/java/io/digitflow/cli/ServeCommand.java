package io.digitflow.cli;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.serve.StreamLifecycle;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code digitflow serve} (the default): classifies the images topic into the predictions topic. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve predictions: consume images from the images topic in batches, classify them with the "
                + "newest model (training one first if there is none) and publish one prediction per image.",
                "Without kafka.bootstrap.servers (or KAFKA_BOOTSTRAP_SERVERS) a local single-node Kafka broker "
                        + "is started on 127.0.0.1:9092 with its data in <home>/kafka. Health: /q/health, "
                        + "metrics: /q/metrics on port 8080."})
public class ServeCommand implements Callable<Integer> {

    private final StreamLifecycle lifecycle;
    private final DigitflowConfig config;
    private final String bootstrap;

    @Inject
    public ServeCommand(StreamLifecycle lifecycle, DigitflowConfig config,
                        @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "(not set)") String bootstrap) {
        this.lifecycle = lifecycle;
        this.config = config;
        this.bootstrap = bootstrap;
    }

    @Override
    public Integer call() {
        lifecycle.start(new TrainingProgressBar(System.out, System.console() != null));
        System.out.printf("digitflow serving: %s -> %s (dead letters: %s) on Kafka %s. Ctrl-C stops.%n",
                config.topics().images(), config.topics().predictions(), config.topics().deadLetters(), bootstrap);
        Quarkus.waitForExit();
        return 0;
    }
}
