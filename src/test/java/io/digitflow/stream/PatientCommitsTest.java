package io.digitflow.stream;

import io.smallrye.mutiny.Uni;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The images channel's commit strategy asks the coordinator again while it is out of reach, instead of
 * failing the channel on the first timeout as SmallRye's throttled strategy does.
 */
class PatientCommitsTest {

    @Test
    void aCoordinatorOutOfReachIsAskedAgainUntilItAnswers() {
        AtomicInteger calls = new AtomicInteger();
        Uni<String> received = PatientCommits.patiently(() -> calls.incrementAndGet() < 3
                        ? Uni.createFrom().failure(new TimeoutException("Timeout of 5000ms expired before the last committed offset for partitions [digits.images-0] could be determined"))
                        : Uni.createFrom().item("record"),
                Duration.ofMinutes(1), Runnable::run, "committed offset");

        assertThat(received.await().atMost(Duration.ofSeconds(30))).isEqualTo("record");
        assertThat(calls).hasValue(3);
    }

    @Test
    void aFaultOfTheWholeStreamIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        Uni<String> received = PatientCommits.patiently(() -> {
            calls.incrementAndGet();
            return Uni.createFrom().failure(new AuthorizationException("not authorized to read the group"));
        }, Duration.ofMinutes(1), Runnable::run, "committed offset");

        assertThatThrownBy(() -> received.await().atMost(Duration.ofSeconds(30)))
                .isInstanceOf(AuthorizationException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void patienceIsBounded() {
        AtomicInteger calls = new AtomicInteger();
        Uni<String> received = PatientCommits.patiently(() -> {
            calls.incrementAndGet();
            return Uni.createFrom().failure(new TimeoutException("coordinator gone"));
        }, Duration.ofMillis(1000), Runnable::run, "committed offset");

        assertThatThrownBy(() -> received.await().atMost(Duration.ofSeconds(30)))
                .isInstanceOf(TimeoutException.class);
        // Pauses of 200 and 400 ms fit in a second; the next (800 ms) would not.
        assertThat(calls).hasValue(3);
    }

    @Test
    void wrappedRetriableFailuresCount() {
        assertThat(PatientCommits.retriable(new CompletionException(new TimeoutException("x")))).isTrue();
        assertThat(PatientCommits.retriable(new IllegalStateException(new TimeoutException("x")))).isFalse();
    }
}
