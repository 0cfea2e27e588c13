package io.digitflow.control;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The replay log's bookkeeping: taken ids are replays at once, old ids are forgotten. */
class RequestLogTest {

    /** A clock the test moves. */
    private static final class Moving extends Clock {
        Instant now = Instant.parse("2024-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void anIdIsTakenBeforeItsEventIsWrittenAndForgottenAfterTheSkewAndMargin() {
        Moving clock = new Moving();
        RequestLog log = new RequestLog(Duration.ofMinutes(5), clock);
        assertThat(log.check("r-1", "0@1@1")).isEqualTo(RequestLog.Seen.NEW);
        // No event was written (the publisher failed): the same id in another record is still a replay.
        assertThat(log.check("r-1", "0@2@2")).isEqualTo(RequestLog.Seen.REPLAYED);
        assertThat(log.check("r-1", "0@1@1")).isEqualTo(RequestLog.Seen.REDELIVERED);
        for (int i = 0; i < 1000; i++) {
            log.check("bulk-" + i, "0@" + (10 + i) + "@0");
        }
        clock.now = clock.now.plus(Duration.ofMinutes(5)).plus(RequestLog.MARGIN).plusSeconds(1);
        assertThat(log.check("r-2", "0@5000@0")).isEqualTo(RequestLog.Seen.NEW);
        assertThat(log.size()).as("older ids forgotten").isEqualTo(1);
    }

    @Test
    void withoutASecretOneWarningSaysCommandsAreUnsigned() {
        assertThat(ControlHandler.unsignedWarning(control(Optional.empty()))).get().asString()
                .startsWith("Control commands are unsigned").contains(CommandSignature.SECRET_SETTING);
        assertThat(ControlHandler.unsignedWarning(control(Optional.of("x".repeat(40))))).isEmpty();
    }

    static io.digitflow.config.DigitflowConfig.Control control(Optional<String> secret) {
        return new io.digitflow.config.DigitflowConfig.Control() {
            @Override
            public Optional<String> hmacSecret() {
                return secret;
            }

            @Override
            public Duration maxClockSkew() {
                return Duration.ofMinutes(5);
            }
        };
    }
}
