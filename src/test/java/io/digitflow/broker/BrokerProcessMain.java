package io.digitflow.broker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * A local broker in a JVM of its own, for tests that kill it: prints {@value #READY} with its address
 * and cluster id once it answers, then runs until killed or until its stdin closes (the test JVM is
 * gone), so no broker outlives the tests.
 */
public final class BrokerProcessMain {

    public static final String READY = "BROKER-READY";

    private BrokerProcessMain() {
    }

    /**
     * Arguments: data folder, client port (0 = any free one); for a node of a cluster then its node id,
     * controller port, the quorum voters, the cluster id and any broker properties as {@code key=value}.
     */
    public static void main(String[] args) throws Exception {
        logToConsole();
        LocalKafkaBroker.Builder builder = LocalKafkaBroker.builder(Path.of(args[0])).port(Integer.parseInt(args[1]));
        if (args.length > 2) {
            builder.clusterNode(Integer.parseInt(args[2]), args[4], args[5]).controllerPort(Integer.parseInt(args[3]));
            Map<String, String> properties = new LinkedHashMap<>();
            for (int i = 6; i < args.length; i++) {
                int equals = args[i].indexOf('=');
                properties.put(args[i].substring(0, equals), args[i].substring(equals + 1));
            }
            builder.properties(properties);
        }
        LocalKafkaBroker broker = builder.start();
        System.out.println(READY + " " + broker.port() + " " + broker.clusterId());
        System.out.flush();
        while (System.in.read() != -1) {
            // Nothing is ever sent; the read returns -1 when the parent closes the pipe or dies.
        }
        broker.stop();
    }

    /**
     * Quarkus' logging set-up (found on the class path) buffers records until a Quarkus app starts,
     * which never happens in this JVM: send them to the console, which the test echoes.
     */
    private static void logToConsole() {
        Logger root = Logger.getLogger("");
        root.addHandler(new ConsoleHandler(new PatternFormatter("%d{HH:mm:ss,SSS} %-5p [%c{1.}] %s%e%n")));
        root.setLevel(Level.INFO);
        // As in application.properties: Kafka's INFO is its configuration dumped line by line.
        for (String chatty : new String[] {"kafka", "org.apache.kafka", "state.change.logger"}) {
            Logger.getLogger(chatty).setLevel(Level.parse(System.getProperty("broker.kafka.log.level", "WARNING")));
        }
    }
}
