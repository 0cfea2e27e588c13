package io.digitflow.support;

import io.digitflow.broker.BrokerSecurity;
import io.digitflow.broker.LocalKafkaBroker;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.AclCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A local broker in secure mode for one test class: SASL_SSL with SCRAM, a fresh test CA, the standard
 * authorizer, digitflow's topics, and the ACLs of {@link #ACL_FILE} granted by Kafka's own
 * {@code kafka-acls} command, one line at a time, as {@code deploy/security/kafka-acls.sh} does.
 */
public final class SecureKafka implements AutoCloseable {

    /** The ACL list docs/security.md shows and the script applies. */
    public static final Path ACL_FILE = Path.of("deploy", "security", "acls.txt");

    public static final String BROKER = "broker";
    public static final String SERVICE = "digitflow";
    public static final String PRODUCER = "digitflow-producer";
    public static final String CONSUMER = "digitflow-consumer";
    public static final String OPERATOR = "digitflow-operator";
    /** A user who can log in but was granted nothing. */
    public static final String STRANGER = "stranger";

    private final LocalKafkaBroker broker;
    private final BrokerSecurity security;
    private final Path dir;

    private SecureKafka(LocalKafkaBroker broker, BrokerSecurity security, Path dir) {
        this.broker = broker;
        this.security = security;
        this.dir = dir;
    }

    /** Starts the broker in a new folder under {@code target/}, creates the topics and grants the ACLs. */
    public static SecureKafka start() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "secure-kafka").toAbsolutePath();
        TestCertificates.Stores stores = TestCertificates.create(dir.resolve("tls"), BROKER, password());
        Map<String, String> users = new LinkedHashMap<>();
        for (String user : List.of(SERVICE, PRODUCER, CONSUMER, OPERATOR, STRANGER)) {
            users.put(user, password());
        }
        BrokerSecurity security = new BrokerSecurity(stores.keyStore(), stores.trustStore(), stores.password(),
                BROKER, password(), users);
        LocalKafkaBroker broker = LocalKafkaBroker.builder(dir.resolve("data")).port(0).security(security).start();
        SecureKafka kafka = new SecureKafka(broker, security, dir);
        try (Admin admin = kafka.admin()) {
            TopicSetup.ensure(admin, Topics.all(Topics.DEFAULT_IMAGE_PARTITIONS), Duration.ofSeconds(60));
            kafka.grantAcls(admin);
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Plain Kafka client settings for {@code user}: bootstrap servers, SASL_SSL, SCRAM login, trust store. */
    public Map<String, Object> client(String user) {
        Map<String, Object> props = new LinkedHashMap<>(security.clientProperties(user, password(user)));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** The same settings as {@code KAFKA_*} environment variables, as the service and the CLI take them. */
    public Map<String, String> environment(String user) {
        Map<String, String> env = new LinkedHashMap<>();
        client(user).forEach((k, v) -> env.put("KAFKA_" + k.toUpperCase().replace('.', '_'), v.toString()));
        return env;
    }

    public String password(String user) {
        return user.equals(BROKER) ? security.superPassword() : security.users().get(user);
    }

    /** Every password of this broker: none of them may ever appear in a log, an event or a metric. */
    public List<String> passwords() {
        return Stream.concat(Stream.of(security.superPassword(), security.storePassword()),
                security.users().values().stream()).toList();
    }

    /** An admin client of the super user. */
    public Admin admin() {
        return Admin.create(client(BROKER));
    }

    /** The ACL lines of {@link #ACL_FILE}: comments and blank lines dropped. */
    public static List<String> aclLines() throws IOException {
        return Files.readAllLines(ACL_FILE).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    private void grantAcls(Admin admin) throws Exception {
        Path adminConfig = dir.resolve("admin.properties");
        Properties props = new Properties();
        broker.adminClientProperties().forEach((k, v) -> props.put(k, v.toString()));
        try (OutputStream out = Files.newOutputStream(adminConfig)) {
            props.store(out, "the super user, for kafka-acls");
        }
        // kafka-acls ends the JVM when it fails; here that becomes an exception.
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("kafka-acls exited with " + code + ": " + message);
        });
        try {
            for (String line : aclLines()) {
                List<String> args = new java.util.ArrayList<>(List.of("--bootstrap-server", bootstrapServers(),
                        "--command-config", adminConfig.toString(), "--add"));
                args.addAll(List.of(line.split("\\s+")));
                AclCommand.main(args.toArray(String[]::new));
            }
        } finally {
            Exit.resetExitProcedure();
        }
        // The authorizer learns of new ACLs from the metadata log, after the controller confirmed them;
        // wait until the broker has every one, or the first request of a client could still be refused.
        long expected = 0;
        for (String line : aclLines()) {
            List<String> words = List.of(line.split("\\s+"));
            long operations = words.stream().filter("--operation"::equals).count();
            long resources = words.stream().filter(w -> List.of("--topic", "--group", "--cluster",
                    "--transactional-id").contains(w)).count();
            expected += operations * resources;
        }
        long all = expected;
        await("ACLs of " + ACL_FILE + " in the authorizer").atMost(Duration.ofSeconds(30)).until(() ->
                admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).size() == all);
    }

    private static String password() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Stops the broker and deletes its folder (data, certificates, the admin's settings). */
    @Override
    public void close() {
        broker.stop();
        try {
            TestFiles.deleteRecursively(dir);
        } catch (IOException e) {
            // Only space in target/ is lost.
        }
    }
}
