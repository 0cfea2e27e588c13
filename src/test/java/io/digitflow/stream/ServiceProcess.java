package io.digitflow.stream;

import io.digitflow.support.AppProcess;
import io.digitflow.support.TestModels;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged service ({@code target/quarkus-app}) run as a separate process, as a user runs it. */
public final class ServiceProcess implements AutoCloseable {

    private final Process process;

    private ServiceProcess(Process process) {
        this.process = process;
    }

    /** Starts {@code serve} against {@code bootstrap} with the given topic prefix; output goes to {@code log}. */
    static ServiceProcess start(String bootstrap, String prefix, Path log, Map<String, String> extra) throws IOException {
        return start(bootstrap, prefix, log, extra, TestModels.HOME);
    }

    /** As above, with {@code home} as DIGITFLOW_HOME. */
    public static ServiceProcess start(String bootstrap, String prefix, Path log, Map<String, String> extra, Path home)
            throws IOException {
        List<String> jvm = new ArrayList<>(List.of(
                "-Dquarkus.http.port=0",
                "-Ddigitflow.topics.images=" + prefix + ".images",
                "-Ddigitflow.topics.predictions=" + prefix + ".predictions",
                "-Ddigitflow.topics.dead-letters=" + prefix + ".images.dlq",
                "-Ddigitflow.consumer-group=" + prefix + "-service"));
        extra.forEach((k, v) -> jvm.add("-D" + k + "=" + v));
        ProcessBuilder builder = new ProcessBuilder(AppProcess.command(jvm, List.of("serve"))).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        builder.environment().put("DIGITFLOW_HOME", home.toString());
        return new ServiceProcess(builder.start());
    }

    /**
     * How many times {@code log} says a service started polling ("digitflow serving:"): a restarted
     * process's count is one more than before its start.
     */
    static long servingLines(Path log) throws IOException {
        try (var lines = java.nio.file.Files.lines(log)) {
            return lines.filter(l -> l.startsWith("digitflow serving:")).count();
        }
    }

    /** The process id, which the service names itself by in events (host/pid). */
    public long pid() {
        return process.pid();
    }

    /** SIGSTOP: the process freezes where it is, its connections open, until {@link #resume}. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no commit. */
    void kill() throws InterruptedException {
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
