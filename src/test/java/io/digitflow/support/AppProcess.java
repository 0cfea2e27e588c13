package io.digitflow.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged app ({@code target/quarkus-app}) as a user would, capturing its output. */
public final class AppProcess {

    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    /** What a finished command printed and returned. */
    public record Result(int exitCode, String out, String err) {
        public List<String> errLines() {
            return err.lines().toList();
        }
    }

    private AppProcess() {
    }

    public static List<String> command(List<String> jvmArgs, List<String> args) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run `mvn verify` (it packages before the ITs)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(args);
        return command;
    }

    /** Runs one command to completion (at most two minutes). */
    public static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("digitflow-out", ".txt");
        Path err = Files.createTempFile("digitflow-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command(List.of(), List.of(args)))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("DIGITFLOW_HOME", TestModels.HOME.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("digitflow " + String.join(" ", args) + " did not finish in 2 minutes");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
