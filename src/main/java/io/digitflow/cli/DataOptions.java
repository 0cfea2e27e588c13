package io.digitflow.cli;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.data.MnistRepository;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** The {@code --data} option shared by every command that reads MNIST. */
final class DataOptions {

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with the four MNIST IDX files (gzip or raw). Default: $DIGITFLOW_DATA, "
                    + "else downloaded once into <home>/mnist and checked against known SHA-256s.")
    Path dir;

    MnistRepository repository(DigitflowConfig config) {
        Optional<Path> folder = Optional.ofNullable(dir).or(() -> config.data().dir());
        return new MnistRepository(folder, config.data().mirror(), config.dataCacheDir());
    }
}
