package io.digitflow.control;

import io.digitflow.config.DigitflowConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * HMAC-SHA256 signatures of control records, required when {@code digitflow.control.hmac-secret} is set.
 * <p>
 * A signed record carries two headers: {@value #TIMESTAMP_HEADER}, the signing time in epoch milliseconds
 * (decimal ASCII), and {@value #SIGNATURE_HEADER}, {@code hmac-sha256=} followed by the lowercase hex of
 * HMAC-SHA256 keyed with the secret's UTF-8 bytes over
 * {@code <timestamp> LF <record key> LF <record value bytes>} (an absent key counts as empty). The key
 * may not contain a line break, so the three parts cannot be re-cut into another valid message. A record
 * signed more than the allowed clock skew away from the receiver's clock is stale; within that window
 * the request log rejects a reused request id, so a captured record cannot be played again.
 */
public final class CommandSignature {

    public static final String SIGNATURE_HEADER = "digitflow-signature";
    public static final String TIMESTAMP_HEADER = "digitflow-timestamp";
    /** The setting that holds the secret, named in every message about it. */
    public static final String SECRET_SETTING = "digitflow.control.hmac-secret";
    /** Shorter secrets are refused: 32 characters, e.g. {@code openssl rand -hex 32} gives 64. */
    public static final int MIN_SECRET_LENGTH = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final String SCHEME = "hmac-sha256=";
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,18}");
    private static final Pattern HEX_MAC = Pattern.compile("[0-9a-f]{64}");

    private final SecretKeySpec key;
    private final Duration maxSkew;
    private final Clock clock;

    /** @throws IllegalArgumentException when the secret is shorter than {@value #MIN_SECRET_LENGTH} characters */
    public CommandSignature(String secret, Duration maxSkew, Clock clock) {
        if (secret == null || secret.strip().length() < MIN_SECRET_LENGTH) {
            // The message names the setting, never the value.
            throw new IllegalArgumentException(SECRET_SETTING + " must have at least " + MIN_SECRET_LENGTH
                    + " characters (e.g. the output of `openssl rand -hex 32`)");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.maxSkew = maxSkew;
        this.clock = clock;
    }

    /**
     * The signature {@code control} asks for: present when digitflow.control.hmac-secret is set.
     *
     * @throws IllegalArgumentException when the secret is too short
     */
    public static Optional<CommandSignature> of(DigitflowConfig.Control control) {
        return control.hmacSecret()
                .map(secret -> new CommandSignature(secret, control.maxClockSkew(), Clock.systemUTC()));
    }

    /** The two headers that sign {@code value} keyed {@code recordKey}, now. */
    public List<Header> sign(String recordKey, byte[] value) {
        String timestamp = Long.toString(clock.millis());
        return List.of(new RecordHeader(TIMESTAMP_HEADER, timestamp.getBytes(StandardCharsets.US_ASCII)),
                new RecordHeader(SIGNATURE_HEADER, (SCHEME + HexFormat.of().formatHex(mac(timestamp, recordKey, value)))
                        .getBytes(StandardCharsets.US_ASCII)));
    }

    /** Empty when the record is signed with the secret within the allowed skew, else why it is refused. */
    public Optional<String> verify(String recordKey, byte[] value, Headers headers) {
        Header signature = headers.lastHeader(SIGNATURE_HEADER);
        Header timestamp = headers.lastHeader(TIMESTAMP_HEADER);
        if (signature == null || timestamp == null) {
            return Optional.of("unsigned command: " + SECRET_SETTING + " is set, so every command needs the "
                    + SIGNATURE_HEADER + " and " + TIMESTAMP_HEADER + " headers");
        }
        String time = ascii(timestamp.value());
        if (!TIMESTAMP.matcher(time).matches()) {
            return Optional.of(TIMESTAMP_HEADER + " must be epoch milliseconds");
        }
        String given = ascii(signature.value());
        if (!given.startsWith(SCHEME) || !HEX_MAC.matcher(given.substring(SCHEME.length())).matches()) {
            return Optional.of(SIGNATURE_HEADER + " must be " + SCHEME + "<64 lowercase hex digits>");
        }
        if (recordKey != null && (recordKey.indexOf('\n') >= 0 || recordKey.indexOf('\r') >= 0)) {
            return Optional.of("a signed command's key must not contain a line break");
        }
        byte[] expected = mac(time, recordKey, value);
        // Constant time: how much of a guess matched must not show in how long the check took.
        if (!MessageDigest.isEqual(expected, HexFormat.of().parseHex(given.substring(SCHEME.length())))) {
            return Optional.of("wrong signature: not signed with " + SECRET_SETTING + ", or altered after signing");
        }
        Instant signedAt = Instant.ofEpochMilli(Long.parseLong(time));
        Duration age = Duration.between(signedAt, clock.instant());
        if (age.abs().compareTo(maxSkew) > 0) {
            return Optional.of("stale command: signed at " + signedAt + ", " + (age.isNegative() ? "ahead of" : "behind")
                    + " this replica's clock by more than " + maxSkew + " (digitflow.control.max-clock-skew)");
        }
        return Optional.empty();
    }

    private byte[] mac(String timestamp, String recordKey, byte[] value) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update((timestamp + "\n" + (recordKey == null ? "" : recordKey) + "\n").getBytes(StandardCharsets.UTF_8));
            mac.update(value == null ? new byte[0] : value);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is in every JDK; without it nothing could be verified.
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }

    private static String ascii(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "CommandSignature[" + ALGORITHM + ", max skew " + maxSkew + "]";
    }
}
