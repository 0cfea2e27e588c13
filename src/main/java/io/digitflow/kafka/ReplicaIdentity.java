package io.digitflow.kafka;

import io.digitflow.UserException;
import io.digitflow.config.DigitflowConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * This replica's stable identity: its static membership ({@code group.instance.id}) in the images and
 * control consumer groups, and the default transactional.id ({@code <consumer-group>-<id>}). A
 * restarted replica that comes back with the same id takes its partitions back at once (no wait for
 * the dead member's session to expire) and fences its predecessor's open transaction (no wait for the
 * transaction timeout).
 *
 * <p>From {@code digitflow.replica-id} when set (a StatefulSet's pod name), else
 * {@code <host>-<home hash>-<slot>}: the slot is the lowest one free in {@code <home>/replicas/},
 * claimed with a file lock held for the life of the process, so two live processes on one home never
 * share an id, and the home's hash keeps processes with different homes on one host apart.
 */
@Singleton
public class ReplicaIdentity {

    /** The setting that names the id. */
    public static final String SETTING = "digitflow.replica-id";
    /** Kafka accepts these in a group.instance.id; the transactional.id prefixes the group. */
    static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int HOST_CHARS = 40;
    private static final int MAX_SLOTS = 1024;

    private final String id;
    private final Optional<Slot> slot;

    public ReplicaIdentity(DigitflowConfig config) {
        Optional<String> setting = config.replicaId().map(String::strip).filter(s -> !s.isEmpty());
        if (setting.isPresent()) {
            this.id = validate(setting.get());
            this.slot = Optional.empty();
        } else {
            Slot claimed = claim(config.home(), host());
            this.id = claimed.id();
            this.slot = Optional.of(claimed);
        }
    }

    /** The replica id. */
    public String id() {
        return id;
    }

    /** The default transactional.id of this replica in {@code consumerGroup}. */
    public String transactionalId(String consumerGroup) {
        return consumerGroup + "-" + id;
    }

    /**
     * Checks {@code digitflow.replica-id} as given on the command line or in {@code DIGITFLOW_REPLICA_ID},
     * before anything starts; a {@link UserException} naming the setting when it is not a valid id.
     */
    public static void checkSetting() {
        String value = System.getProperty(SETTING);
        if (value == null) {
            value = System.getenv("DIGITFLOW_REPLICA_ID");
        }
        if (value != null && !value.isBlank()) {
            validate(value.strip());
        }
    }

    /** The id when it is valid; a {@link UserException} naming the setting when not. */
    static String validate(String value) {
        if (!VALID.matcher(value).matches()) {
            throw new UserException(SETTING + "=" + abbreviate(value) + " is not a valid replica id: use 1 to 64 of "
                    + "the characters A-Z a-z 0-9 . _ - (set it, e.g. DIGITFLOW_REPLICA_ID, or leave it unset)");
        }
        return value;
    }

    /**
     * Claims the lowest free slot of {@code home} for this process (free: no live process holds its
     * lock, this one included) and answers its id. The lock lasts until {@link Slot#close} or the end
     * of the process.
     */
    static Slot claim(Path home, String host) {
        Path folder = home.resolve("replicas");
        String prefix = sanitize(host) + "-" + homeHash(home) + "-";
        try {
            Files.createDirectories(folder);
            for (int slot = 0; slot < MAX_SLOTS; slot++) {
                FileChannel channel = FileChannel.open(folder.resolve("slot-" + slot + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException heldHere) {
                    lock = null;
                }
                if (lock != null) {
                    return new Slot(prefix + slot, channel);
                }
                channel.close();
            }
        } catch (IOException e) {
            throw new UserException(folder + ": cannot claim a replica slot (" + e.getMessage() + "); set "
                    + SETTING + " or make digitflow.home writable", e);
        }
        throw new UserException(folder + ": all " + MAX_SLOTS + " replica slots are taken; set " + SETTING);
    }

    /** A claimed slot: its id and the lock that keeps other processes off it. */
    record Slot(String id, FileChannel lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            lock.close();
        }
    }

    @PreDestroy
    void release() throws IOException {
        if (slot.isPresent()) {
            slot.get().close();
        }
    }

    static String sanitize(String host) {
        String safe = host.replaceAll("[^A-Za-z0-9._-]", "-");
        safe = safe.isEmpty() ? "host" : safe;
        return safe.length() > HOST_CHARS ? safe.substring(0, HOST_CHARS) : safe;
    }

    /** Six hex digits of the home's absolute path: two homes on one host get different ids. */
    static String homeHash(Path home) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(home.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "host";
        }
    }

    private static String abbreviate(String value) {
        return value.length() > 80 ? "'" + value.substring(0, 80) + "...'" : "'" + value + "'";
    }
}
