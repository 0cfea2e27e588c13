package io.digitflow.control;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandSignatureTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final byte[] VALUE = "{\"requestId\":\"r-1\",\"command\":\"retrain\"}".getBytes(StandardCharsets.UTF_8);

    private static CommandSignature at(Instant now) {
        return new CommandSignature(SECRET, Duration.ofMinutes(5), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static RecordHeaders headers(List<Header> headers) {
        return new RecordHeaders(headers.toArray(Header[]::new));
    }

    @Test
    void aSignedCommandIsAccepted() {
        assertThat(at(NOW).verify("r-1", VALUE, headers(at(NOW).sign("r-1", VALUE)))).isEmpty();
    }

    @Test
    void theSchemeIsTheDocumentedOneSoOtherToolsCanSign() throws Exception {
        // What README "Security" tells a script to compute: HMAC-SHA256(secret, ts LF key LF value), in hex.
        long ts = NOW.toEpochMilli();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((ts + "\nr-1\n").getBytes(StandardCharsets.UTF_8));
        String hex = HexFormat.of().formatHex(mac.doFinal(VALUE));
        org.apache.kafka.common.header.Headers headers = new RecordHeaders()
                .add(CommandSignature.TIMESTAMP_HEADER, Long.toString(ts).getBytes(StandardCharsets.US_ASCII))
                .add(CommandSignature.SIGNATURE_HEADER, ("hmac-sha256=" + hex).getBytes(StandardCharsets.US_ASCII));
        assertThat(at(NOW).verify("r-1", VALUE, headers)).isEmpty();
        assertThat(at(NOW).sign("r-1", VALUE)).extracting(h -> new String(h.value(), StandardCharsets.US_ASCII))
                .containsExactly(Long.toString(ts), "hmac-sha256=" + hex);
    }

    @Test
    void anUnsignedCommandIsRefused() {
        assertThat(at(NOW).verify("r-1", VALUE, new RecordHeaders())).get().asString()
                .startsWith("unsigned command").contains("digitflow.control.hmac-secret");
        RecordHeaders onlyTimestamp = headers(List.of(at(NOW).sign("r-1", VALUE).get(0)));
        assertThat(at(NOW).verify("r-1", VALUE, onlyTimestamp)).get().asString().startsWith("unsigned command");
    }

    @Test
    void anotherSecretOrAnAlteredRecordIsAWrongSignature() {
        var other = new CommandSignature("another-secret-of-at-least-32-characters", Duration.ofMinutes(5),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(at(NOW).verify("r-1", VALUE, headers(other.sign("r-1", VALUE)))).get().asString()
                .startsWith("wrong signature");
        RecordHeaders signed = headers(at(NOW).sign("r-1", VALUE));
        byte[] altered = new String(VALUE, StandardCharsets.UTF_8).replace("retrain", "rollback")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(at(NOW).verify("r-1", altered, signed)).get().asString().startsWith("wrong signature");
        assertThat(at(NOW).verify("r-2", VALUE, signed)).as("another key").get().asString()
                .startsWith("wrong signature");
    }

    @Test
    void aChangedTimestampBreaksTheSignature() {
        List<Header> signed = at(NOW).sign("r-1", VALUE);
        org.apache.kafka.common.header.Headers moved = new RecordHeaders()
                .add(CommandSignature.TIMESTAMP_HEADER, Long.toString(NOW.toEpochMilli() + 1)
                        .getBytes(StandardCharsets.US_ASCII))
                .add(signed.get(1));
        assertThat(at(NOW).verify("r-1", VALUE, moved)).get().asString().startsWith("wrong signature");
    }

    @Test
    void aCommandSignedOutsideTheClockSkewIsStaleEitherWay() {
        RecordHeaders signed = headers(at(NOW).sign("r-1", VALUE));
        assertThat(at(NOW.plus(Duration.ofMinutes(5))).verify("r-1", VALUE, signed)).as("at the limit").isEmpty();
        assertThat(at(NOW.plus(Duration.ofMinutes(5)).plusMillis(1)).verify("r-1", VALUE, signed)).get().asString()
                .startsWith("stale command").contains("behind");
        assertThat(at(NOW.minus(Duration.ofMinutes(6))).verify("r-1", VALUE, signed)).get().asString()
                .startsWith("stale command").contains("ahead of");
    }

    @Test
    void malformedHeadersAreNamed() {
        org.apache.kafka.common.header.Headers badTime = new RecordHeaders()
                .add(CommandSignature.TIMESTAMP_HEADER, "yesterday".getBytes(StandardCharsets.US_ASCII))
                .add(at(NOW).sign("r-1", VALUE).get(1));
        assertThat(at(NOW).verify("r-1", VALUE, badTime)).get().asString().contains("epoch milliseconds");
        org.apache.kafka.common.header.Headers badMac = new RecordHeaders()
                .add(at(NOW).sign("r-1", VALUE).get(0))
                .add(new RecordHeader(CommandSignature.SIGNATURE_HEADER, "sha1=abc".getBytes(StandardCharsets.US_ASCII)));
        assertThat(at(NOW).verify("r-1", VALUE, badMac)).get().asString().contains("hmac-sha256=<64 lowercase hex");
    }

    @Test
    void aKeyWithALineBreakCannotBeSigned() {
        // Else "a\nb" + value and "a" + "b\n..." would share a signature.
        RecordHeaders signed = headers(at(NOW).sign("r-1\nx", VALUE));
        assertThat(at(NOW).verify("r-1\nx", VALUE, signed)).get().asString().contains("line break");
    }

    @Test
    void aShortSecretIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> new CommandSignature("short-secret", Duration.ofMinutes(5), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("digitflow.control.hmac-secret")
                .hasMessageNotContaining("short-secret");
    }

    @Test
    void noMessageGivesAwayTheSecretOrTheExpectedSignature() {
        org.apache.kafka.common.header.Headers wrong = new RecordHeaders()
                .add(at(NOW).sign("r-1", VALUE).get(0))
                .add(CommandSignature.SIGNATURE_HEADER, ("hmac-sha256=" + "0".repeat(64)).getBytes(StandardCharsets.US_ASCII));
        String expected = new String(at(NOW).sign("r-1", VALUE).get(1).value(), StandardCharsets.US_ASCII);
        String reason = at(NOW).verify("r-1", VALUE, wrong).orElseThrow();
        assertThat(reason).doesNotContain(SECRET).doesNotContain(expected.substring("hmac-sha256=".length()));
        assertThat(at(NOW).toString()).doesNotContain(SECRET);
    }
}
