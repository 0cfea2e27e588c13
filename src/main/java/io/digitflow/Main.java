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
        if (isServe(args)) {
            // Before the broker and Quarkus start: a bad replica id is one line, not a deployment failure.
            try {
                ReplicaIdentity.checkSetting();
            } catch (UserException e) {
                System.err.println(e.getMessage());
                System.exit(2);
            }
            System.setProperty(SERVE_PROPERTY, "true");
            System.setProperty("app.messaging-log-level", "INFO");
            broker = LocalBrokerLauncher.startIfNoClusterConfigured();
        } else if (args.length > 0 && args[0].equals("broker") && !isHelp(args)) {
            broker = Optional.of(LocalBrokerLauncher.start());
        }
        Optional<LocalKafkaBroker> started = broker;
        BiConsumer<Integer, Throwable> exit = ApplicationLifecycleManager.getDefaultExitCodeHandler();
        Quarkus.run(PicocliRunner.class, (exitCode, failure) -> {
            // The app's consumers and producers are closed by now; the broker goes last.
            started.ifPresent(LocalKafkaBroker::close);
            exit.accept(exitCode, failure);
        }, args);
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
