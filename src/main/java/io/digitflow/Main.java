package io.digitflow;

import io.digitflow.broker.LocalKafkaBroker;
import io.digitflow.kafka.ReplicaIdentity;
import io.digitflow.platform.NativeTuning;
import io.digitflow.broker.LocalBrokerLauncher;
import io.quarkus.picocli.runtime.PicocliRunner;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Entry point: tunes the native libraries for this CPU, starts the local broker when serving without
 * a Kafka cluster, then hands the command line to picocli.
 */
@QuarkusMain
public class Main {

    /** Read by application.properties: HTTP and the Kafka channels exist only while serving. */
    static final String SERVE_PROPERTY = "app.serve";

    private static final Set<String> NOT_SERVING = Set.of("-h", "--help", "-V", "--version");

    public static void main(String... args) {
        // Before anything can load ND4J or OpenBLAS: they read these settings once, at load time.
        if (isServe(args)) {
            NativeTuning.limitEngineThreadsForServing();
        }
        NativeTuning.apply();
        Optional<LocalKafkaBroker> broker = Optional.empty();
        boolean serve = isServe(args);
        try {
            if (serve) {
                // Before the broker and Quarkus start: a bad replica id is one line, not a deployment failure.
                ReplicaIdentity.checkSetting();
                System.setProperty(SERVE_PROPERTY, "true");
                // SmallRye's warnings and errors, not its INFO: its one INFO line at start said "Incoming channel
                // `images` disabled by configuration", true of its channel and misleading, since the poll loop of
                // our own reads the images.
                System.setProperty("app.messaging-log-level", "WARN");
                broker = LocalBrokerLauncher.startIfNoClusterConfigured();
            } else if (args.length > 0 && args[0].equals("broker") && !isHelp(args)) {
                broker = Optional.of(LocalBrokerLauncher.start());
            }
        } catch (RuntimeException | Error e) {
            failedToStart(e);
        }
        Optional<LocalKafkaBroker> started = broker;
        BiConsumer<Integer, Throwable> exit = ApplicationLifecycleManager.getDefaultExitCodeHandler();
        Quarkus.run(PicocliRunner.class, (exitCode, failure) -> {
            // The app's consumers and producers are closed by now; the broker goes last.
            started.ifPresent(LocalKafkaBroker::close);
            if (failure != null && serve) {
                failedToStart(failure);
            }
            exit.accept(exitCode, failure);
        }, args);
    }

    /**
     * Prints why the service cannot start as one line on the process's own stderr (not through logging,
     * which may not be set up yet, or may have dropped messages) and exits with {@link StartupFailure#EXIT_STATUS}.
     */
    static void failedToStart(Throwable failure) {
        java.io.PrintStream err = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
                java.nio.charset.StandardCharsets.UTF_8);
        err.println("digitflow: cannot start: " + StartupFailures.oneLine(failure));
        err.flush();
        Runtime.getRuntime().halt(StartupFailure.EXIT_STATUS);
    }

    /** serve is the default command: no arguments, "serve", or options only. */
    static boolean isServe(String... args) {
        if (isHelp(args)) {
            return false;
        }
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return arg.equals("serve");
            }
        }
        return true;
    }

    private static boolean isHelp(String... args) {
        for (String arg : args) {
            if (NOT_SERVING.contains(arg)) {
                return true;
            }
        }
        return false;
    }
}
