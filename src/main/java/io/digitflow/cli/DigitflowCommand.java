package io.digitflow.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The top-level command; each job is a subcommand, and {@code serve} runs when none is named. */
@TopCommand
@Command(name = "digitflow", mixinStandardHelpOptions = true, version = "digitflow 0.1.0",
        description = "Streaming inference for handwritten digits on Kafka, with its own training job.",
        subcommands = {ServeCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
                SendCommand.class, WatchCommand.class, BrokerCommand.class, ModelsCommand.class,
                ControlRequestCommand.class})
public class DigitflowCommand implements Callable<Integer> {

    @Inject
    ServeCommand serve;

    @Override
    public Integer call() {
        return serve.call();
    }
}
