package io.digitflow.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one runner of the packaged app ({@code target/quarkus-app}) as a user runs it: a command to its
 * end with its output captured ({@link #run}), or the service as a process a test may stop, freeze or
 * SIGKILL ({@link #serve}).
 */
public final class AppProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    /** What a finished command printed and returned. */
    public record Result(int exitCode, String out, String err) {
        public List<String> errLines() {
            return err.lines().toList();
        }
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

    private final Process process;

    private AppProcess(Process process) {
        this.process = process;
    }

    /** Starts {@code serve} (the service, as a user runs it) against {@code bootstrap} with the given topic prefix; output goes to {@code log}. */
    public static AppProcess serve(String bootstrap, String prefix, Path log, Map<String, String> extra)
            throws IOException {
        return serve(bootstrap, prefix, log, extra, TestModels.HOME);
    }

    /** As above, with {@code home} as DIGITFLOW_HOME. */
    public static AppProcess serve(String bootstrap, String prefix, Path log, Map<String, String> extra, Path home)
            throws IOException {
        List<String> jvm = new ArrayList<>(List.of(
                "-Dquarkus.http.port=0",
                "-Ddigitflow.topics.images=" + prefix + ".images",
                "-Ddigitflow.topics.predictions=" + prefix + ".predictions",
                "-Ddigitflow.topics.dead-letters=" + prefix + ".images.dlq",
                "-Ddigitflow.consumer-group=" + prefix + "-service"));
        extra.forEach((k, v) -> jvm.add("-D" + k + "=" + v));
        ProcessBuilder builder = new ProcessBuilder(command(jvm, List.of("serve"))).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        builder.environment().put("DIGITFLOW_HOME", home.toString());
        return new AppProcess(builder.start());
    }

    /**
     * How many times {@code log} says a service started polling ("digitflow serving:"): a restarted
     * process's count is one more than before its start.
     */
    public static long servingLines(Path log) throws IOException {
        try (var lines = java.nio.file.Files.lines(log)) {
            return lines.filter(l -> l.startsWith("digitflow serving:")).count();
        }
    }

    /** The process id, which the service names itself by in events (host/pid). */
    public long pid() {
        return process.pid();
    }

    /** SIGSTOP: the process freezes where it is, its connections open, until {@link #resume}. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no commit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /**
     * SIGTERM and wait (at most {@code timeout}) for the process to end, as an orchestrator stops a
     * replica; answers whether it ended in time (it is SIGKILLed otherwise).
     */
    public boolean stop(java.time.Duration timeout) throws InterruptedException {
        process.destroy();
        if (process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            return true;
        }
        process.destroyForcibly().waitFor();
        return false;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: a graceful stop
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
