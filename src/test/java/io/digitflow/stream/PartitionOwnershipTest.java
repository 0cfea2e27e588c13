package io.digitflow.stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PartitionOwnershipTest {

    private static final TopicPartition P0 = new TopicPartition("images", 0);
    private static final TopicPartition P1 = new TopicPartition("images", 1);

    private static ConsumerRecord<String, byte[]> record(TopicPartition partition, long offset) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "k", new byte[0]);
    }

    @Test
    void revokedPartitionsAreNotClassifiedAndTheirAcknowledgedOffsetsAreCommitted() throws Exception {
        PartitionOwnership ownership = new PartitionOwnership();
        ownership.assigned(Map.of(P0, 0L, P1, 0L));
        var first = ownership.admit(List.of(record(P0, 0), record(P0, 1), record(P1, 0)));
        assertThat(first.records()).hasSize(3);
        ownership.completed(first, true);

        var inFlight = ownership.admit(List.of(record(P0, 2), record(P1, 1)));
        // Revocation waits for the batch in flight, then commits past it.
        CompletableFuture<java.util.Optional<Map<TopicPartition, OffsetAndMetadata>>> revoke = CompletableFuture.supplyAsync(() -> {
            try {
                return ownership.revoke(List.of(P0), Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // Probing with an offset admitted before: never classified, so it changes nothing either way.
        await("P0 revoked").atMost(Duration.ofSeconds(10)).until(() -> {
            var probe = ownership.admit(List.of(record(P0, 2)));
            ownership.completed(probe, true);
            return probe.partitions().isEmpty();
        });
        // A record of P0 polled before the revocation reaches the engine after it: skipped, not acknowledged.
        var late = ownership.admit(List.of(record(P0, 3)));
        assertThat(late.records()).isEmpty();
        assertThat(late.partitions()).isEmpty();
        ownership.completed(late, false);
        assertThat(revoke).as("still waiting for the batch in flight").isNotDone();
        ownership.completed(inFlight, true);
        assertThat(revoke.get(10, TimeUnit.SECONDS)).contains(Map.of(P0, new OffsetAndMetadata(3)));
    }

    @Test
    void recordsDeliveredAgainAfterAReassignmentAreClassifiedOnce() {
        PartitionOwnership ownership = new PartitionOwnership();
        ownership.assigned(Map.of(P0, 5L));
        var stale = ownership.admit(List.of(record(P0, 5), record(P0, 6)));
        assertThat(stale.records()).extracting(ConsumerRecord::offset).containsExactly(5L, 6L);
        var refetched = ownership.admit(List.of(record(P0, 5), record(P0, 6), record(P0, 7)));
        assertThat(refetched.records()).extracting(ConsumerRecord::offset).containsExactly(7L);
        assertThat(refetched.partitions()).as("re-deliveries may still be acknowledged").containsExactly(P0);
    }

    /**
     * Issue 14, item 3: re-delivered records skipped as classified already may be acknowledged only once
     * the earlier batch holding their outputs is on the broker; before, the skipped offsets were
     * acknowledgeable at once, and the commit could pass outputs still in flight.
     */
    @Test
    void skippedReDeliveriesWaitForTheBatchHoldingTheirOutputs() {
        PartitionOwnership ownership = new PartitionOwnership();
        ownership.assigned(Map.of(P0, 5L, P1, 0L));
        var first = ownership.admit(List.of(record(P0, 5), record(P0, 6), record(P1, 0)));
        var unrelated = ownership.admit(List.of(record(P1, 1)));
        var refetched = ownership.admit(List.of(record(P0, 5), record(P0, 6)));
        assertThat(refetched.records()).isEmpty();
        assertThat(refetched.partitions()).containsExactly(P0);
        assertThat(unrelated.prior()).as("skipped nothing: acknowledgeable when done").isCompletedWithValue(true);
        assertThat(refetched.prior()).as("offsets 5 and 6 are still on their way in the first batch").isNotDone();

        ownership.completed(first, true);

        assertThat(refetched.prior()).isCompletedWithValue(true);
    }

    @Test
    void skippedReDeliveriesOfAFailedBatchAreNeverAcknowledged() {
        PartitionOwnership ownership = new PartitionOwnership();
        ownership.assigned(Map.of(P0, 5L));
        var first = ownership.admit(List.of(record(P0, 5), record(P0, 6)));
        var refetched = ownership.admit(List.of(record(P0, 6), record(P0, 7)));
        assertThat(refetched.records()).extracting(ConsumerRecord::offset).containsExactly(7L);

        ownership.completed(first, false);

        assertThat(refetched.prior()).isCompletedWithValue(false);
    }

    @Test
    void aFailedOutputIsNeverCommittedPast() throws Exception {
        PartitionOwnership ownership = new PartitionOwnership();
        ownership.assigned(Map.of(P0, 0L));
        var failed = ownership.admit(List.of(record(P0, 0)));
        var later = ownership.admit(List.of(record(P0, 1)));
        ownership.completed(failed, false);
        ownership.completed(later, true);
        assertThat(ownership.revoke(List.of(P0), Duration.ofSeconds(1))).contains(Map.of());
    }

    @Test
    void aDrainThatTimesOutCommitsNothing() throws Exception {
        PartitionOwnership ownership = new PartitionOwnership();
        ownership.assigned(Map.of(P0, 0L));
        ownership.completed(ownership.admit(List.of(record(P0, 0))), true);
        ownership.admit(List.of(record(P0, 1))); // never completes
        assertThat(ownership.revoke(List.of(P0), Duration.ofMillis(50))).isEmpty();
    }

    @Test
    void stoppingWaitsForBatchesInFlightAndTakesNoMore() throws Exception {
        PartitionOwnership ownership = new PartitionOwnership();
        ownership.assigned(Map.of(P0, 0L));
        var inFlight = ownership.admit(List.of(record(P0, 0)));
        assertThat(ownership.stop(Duration.ofMillis(50))).as("times out while a batch is in flight").isFalse();
        ownership.completed(inFlight, true);
        assertThat(ownership.stop(Duration.ofSeconds(1))).isTrue();
        var after = ownership.admit(List.of(record(P0, 1)));
        assertThat(after.records()).isEmpty();
        assertThat(after.partitions()).as("nothing to acknowledge: it stays uncommitted").isEmpty();
        ownership.completed(after, false);
        assertThat(ownership.pending()).isZero();
    }

    /**
     * The poll loop commits what {@link PartitionOwnership#committable} gives: never past a batch whose outputs
     * are still on their way, even when a later batch of the same partition got its outputs acknowledged first
     * (batches are sent to several output partitions, whose acknowledgements come in any order).
     */
    @Test
    void commitsAdvanceInPollOrderOnlyPastDeliveredBatches() {
        PartitionOwnership ownership = new PartitionOwnership();
        ownership.assigned(Map.of(P0, 0L, P1, 0L));
        var a = ownership.admit(List.of(record(P0, 0), record(P0, 1), record(P1, 0)));
        var b = ownership.admit(List.of(record(P0, 2), record(P1, 1)));
        var c = ownership.admit(List.of(record(P0, 3)));
        assertThat(ownership.committable()).as("nothing delivered yet").isEmpty();

        ownership.completed(b, true);
        assertThat(ownership.committable()).as("b is done, but a, before it, is not").isEmpty();
        ownership.completed(a, true);
        assertThat(ownership.committable()).as("a and b delivered: past both")
                .isEqualTo(Map.of(P0, new OffsetAndMetadata(3), P1, new OffsetAndMetadata(2)));
        assertThat(ownership.committable()).as("given once").isEmpty();

        // A failed commit gives its offsets back for the next one.
        ownership.uncommitted(Map.of(P0, new OffsetAndMetadata(3)));
        assertThat(ownership.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(3)));

        // A batch whose outputs failed: its partition is never committed past it, later batches neither.
        ownership.completed(c, false);
        var d = ownership.admit(List.of(record(P0, 4), record(P1, 2)));
        ownership.completed(d, true);
        assertThat(ownership.committable()).as("P0 failed at 3: only P1 moves")
                .isEqualTo(Map.of(P1, new OffsetAndMetadata(3)));

        // Revoked partitions are committed by the hand-over, not by the loop.
        var e = ownership.admit(List.of(record(P1, 3)));
        ownership.completed(e, true);
        ownership.assigned(Map.of(P1, 4L));
        assertThat(ownership.committable()).as("P1 assigned afresh: its old offsets are not the loop's to commit")
                .isEmpty();
    }
}
