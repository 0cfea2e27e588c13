package io.digitflow.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A {@link BrokerProcessMain} child JVM on this test's class path, which a test may SIGKILL. */
final class BrokerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final String clusterId;

    private BrokerProcess(Process process, int port, String clusterId) {
        this.process = process;
        this.port = port;
        this.clusterId = clusterId;
    }

    /** Starts a broker on {@code dataDir} and {@code port} (0 = free) and returns once it answers. */
    static BrokerProcess start(Path dataDir, int port) throws Exception {
        return launch(List.of("-Xmx512m"), List.of(dataDir.toString(), String.valueOf(port)), "broker process").await();
    }

    /**
     * Starts node {@code nodeId} of a cluster (see {@link BrokerProcessMain}) with {@code heap} as -Xmx;
     * {@link Launch#await()} returns once it answers, which needs a majority of the quorum up.
     */
    static Launch launchNode(Path dataDir, int port, int nodeId, int controllerPort, String voters, String clusterId,
                             Map<String, String> properties, String heap) throws IOException {
        List<String> args = new ArrayList<>(List.of(dataDir.toString(), String.valueOf(port), String.valueOf(nodeId),
                String.valueOf(controllerPort), voters, clusterId));
        properties.forEach((key, value) -> args.add(key + "=" + value));
        // The serial collector: one GC thread per broker where three brokers share two cores with the service.
        return launch(List.of("-Xmx" + heap, "-XX:+UseSerialGC"), args, "broker " + nodeId);
    }

    /** A started child JVM whose broker may not answer yet. */
    record Launch(Process process, List<String> output, CompletableFuture<String> ready) {

        /** Waits for the broker's ready line; kills the process and says what it printed when none comes. */
        BrokerProcess await() throws InterruptedException {
            try {
                String[] line = ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS).split(" ");
                return new BrokerProcess(process, Integer.parseInt(line[1]), line[2]);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("The broker process did not start; its output:\n"
                        + String.join("\n", output), e);
            }
        }
    }

    private static Launch launch(List<String> jvmOptions, List<String> args, String name) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                // A short-lived JVM on two cores: C1 alone gets the broker up sooner.
                "-XX:TieredStopAtLevel=1",
                // Log through JBoss LogManager like the test JVM does, configured from application.properties.
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-Dbroker.kafka.log.level=" + System.getProperty("broker.kafka.log.level", "WARNING"),
                "-cp", System.getProperty("java.class.path"),
                BrokerProcessMain.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> drain(process, output, ready, name), name + "-output");
        reader.setDaemon(true);
        reader.start();
        return new Launch(process, output, ready);
    }

    /** Echoes the child's output and completes {@code ready} with its ready line. */
    private static void drain(Process process, List<String> output, CompletableFuture<String> ready, String name) {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
                System.out.println("[" + name + "] " + line);
                if (line.startsWith(BrokerProcessMain.READY)) {
                    ready.complete(line);
                }
            }
            ready.completeExceptionally(new IllegalStateException("exited with " + process.waitFor()));
        } catch (IOException | InterruptedException e) {
            ready.completeExceptionally(e);
        }
    }

    String bootstrapServers() {
        return LocalKafkaBroker.DEFAULT_HOST + ":" + port;
    }

    int port() {
        return port;
    }

    String clusterId() {
        return clusterId;
    }

    /** SIGKILL: no shutdown hook, no flush, no clean-shutdown marker; what a crash leaves behind. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** Lets the child stop its broker cleanly (stdin closed), killing it if that takes too long. */
    @Override
    public void close() throws Exception {
        if (!process.isAlive()) {
            return;
        }
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
