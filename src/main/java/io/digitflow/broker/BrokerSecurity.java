package io.digitflow.broker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The secure mode of the local broker: clients connect over SASL_SSL with SCRAM-SHA-512, every request
 * is checked by Kafka's standard authorizer against ACLs (nothing is allowed without one), and the
 * controller listener takes only the broker itself, authenticated by its TLS certificate.
 *
 * @param keyStore        PKCS12 store holding the broker's key and certificate (signed by a CA in the
 *                        trust store, valid for the broker's host). Its CN must be {@code superUser}:
 *                        the controller listener names the broker by it.
 * @param trustStore      PKCS12 store with the CA certificate clients and the broker trust
 * @param storePassword   the password of both stores and of the key
 * @param superUser       the broker's own SCRAM user, the only super user (it creates topics and ACLs)
 * @param superPassword   its password
 * @param users           further SCRAM users (name to password), created when the data folder is formatted
 */
public record BrokerSecurity(Path keyStore, Path trustStore, String storePassword, String superUser,
                             String superPassword, Map<String, String> users) {

    /** The SASL mechanism of the client listener. SCRAM never sends the password, only proof of it. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    /**
     * Characters that would break out of the JAAS line or of the format step's
     * {@code SCRAM-SHA-512=[name=...,password=...]} syntax; refused rather than escaped.
     */
    private static final Pattern SAFE = Pattern.compile("[^\\s,\\[\\]\"\\\\;=]+");

    public BrokerSecurity {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(trustStore, "trustStore");
        Objects.requireNonNull(storePassword, "storePassword");
        users = Map.copyOf(users);
        check(superUser, "super user name");
        check(superPassword, "super user password");
        users.forEach((name, password) -> {
            check(name, "user name");
            check(password, "password of " + name);
        });
    }

    /** Settings for a client of this broker authenticating as {@code user}: plain Kafka client settings. */
    public Map<String, Object> clientProperties(String user, String password) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", MECHANISM);
        props.put("sasl.jaas.config", jaas(user, password));
        props.put("ssl.truststore.type", "PKCS12");
        props.put("ssl.truststore.location", trustStore.toString());
        props.put("ssl.truststore.password", storePassword);
        return props;
    }

    /** The JAAS line of a SCRAM login, as clients give it in {@code sasl.jaas.config}. */
    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** The format step's {@code --add-scram} arguments: the super user first, then every other user. */
    List<String> scramArguments() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put(superUser, superPassword);
        all.putAll(users);
        return all.entrySet().stream()
                .map(e -> MECHANISM + "=[name=" + e.getKey() + ",password=" + e.getValue() + "]")
                .toList();
    }

    /** Broker settings of the secure mode, for {@link BrokerProperties}. */
    Map<String, String> brokerProperties(String clientListener, String controllerListener) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        // The broker's own login on its client listener (used if it ever talks to itself there).
        p.put("listener.name." + clientListener.toLowerCase() + "." + MECHANISM.toLowerCase() + ".sasl.jaas.config",
                jaas(superUser, superPassword));
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", keyStore.toString());
        p.put("ssl.keystore.password", storePassword);
        p.put("ssl.key.password", storePassword);
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", trustStore.toString());
        p.put("ssl.truststore.password", storePassword);
        // The controller listener cannot use SCRAM (its credentials live in the metadata the controller
        // serves), and left in plain text it would make anyone who reaches the port User:ANONYMOUS, whom the
        // controller would have to trust. Mutual TLS instead: only a certificate of the test CA gets in,
        // and its CN becomes the principal, so the broker's certificate is the super user.
        p.put("listener.name." + controllerListener.toLowerCase() + ".ssl.client.auth", "required");
        p.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)$/$1/,DEFAULT");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + superUser);
        // Kafka's default, stated because everything rests on it: no ACL, no access.
        p.put("allow.everyone.if.no.acl.found", "false");
        return p;
    }

    private static void check(String value, String what) {
        if (value == null || !SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be non-empty, without spaces or any of , [ ] \" \\ ; =");
        }
    }

    @Override
    public String toString() {
        // A record would print every password.
        return "BrokerSecurity[" + MECHANISM + ", super user " + superUser + ", users " + users.keySet() + "]";
    }
}
