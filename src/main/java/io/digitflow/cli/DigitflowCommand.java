package io.digitflow.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** The top-level command; each job is a subcommand. */
@TopCommand
@Command(name = "digitflow", mixinStandardHelpOptions = true, version = "digitflow 0.1.0",
        description = "Streaming inference for handwritten digits on Kafka, with its own training job.",
        subcommands = {})
public class DigitflowCommand {
}
