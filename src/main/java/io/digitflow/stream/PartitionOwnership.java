package io.digitflow.stream;

import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Which images partitions this replica owns right now, and which poll batches are still on their way
 * to the broker. It lets a replica hand partitions over without duplicates: when partitions are
 * revoked (a rebalance, or leaving the group on SIGTERM) no new record of theirs is classified, the
 * batches already classified are awaited until the broker has their outputs, and their offsets are
 * committed before the next owner starts reading.
 *
 * <p>It also says what the poll loop ({@link ImagePolling}) may commit while it owns them
 * ({@link #committable}): offsets move in the order the batches were polled, past a batch only once it and
 * every earlier one have their outputs on the broker. Thread-safe: the poll thread and the producer's I/O
 * thread call in.
 */
@Singleton
public class PartitionOwnership {

    /** Where each owned partition stands: the next offset to classify (older ones are re-deliveries). */
    private final Map<TopicPartition, Long> next = new HashMap<>();
    /** The highest offset per partition whose output the broker acknowledged, since the partition was assigned. */
    private final Map<TopicPartition, Long> acked = new HashMap<>();
    /** Partitions with an output the broker refused since assigned: committing past it would lose it. */
    private final Set<TopicPartition> failed = new HashSet<>();
    private int pending;
    private boolean stopped;
    /** The consumer's group membership (generation) as of the last assignment; null before the first. */
    private ConsumerGroupMetadata group;
    /** True once the group has answered this replica with an assignment, possibly an empty one. */
    private boolean assignmentKnown;

    /** Batches admitted and not completed yet, oldest first; at most the batches in flight plus one. */
    private final List<Admitted> inFlight = new ArrayList<>();
    /**
     * Batches admitted, oldest first, until they and every earlier one completed: what {@link #committable}
     * may commit advances in admission order, never past a batch still on its way (or failed).
     */
    private final java.util.ArrayDeque<Admitted> order = new java.util.ArrayDeque<>();
    /** Completed batches still behind an earlier one in {@link #order}, with whether they were delivered. */
    private final Map<Admitted, Boolean> outcomes = new java.util.IdentityHashMap<>();
    /** Per owned partition, the next offset to commit that was not committed yet (at-least-once). */
    private final Map<TopicPartition, Long> toCommit = new HashMap<>();

    /**
     * A poll batch cut down to what this replica may classify now.
     *
     * @param done  completes with true once the batch's outputs are on the broker, false if they failed
     * @param prior completes with true once every earlier batch that holds outputs of records this batch
     *              skipped (re-deliveries) has its outputs on the broker; false if one of them failed.
     *              The batch's {@link #partitions} may be acknowledged only then: acknowledging a skipped
     *              offset lets the commit move past it, and its output is the earlier batch's
     */
    public record Admitted(List<ConsumerRecord<String, byte[]>> records, Set<TopicPartition> partitions,
                           Map<TopicPartition, Long> lastOffsets, CompletableFuture<Boolean> done,
                           CompletableFuture<Boolean> prior) {

        Admitted(List<ConsumerRecord<String, byte[]>> records, Set<TopicPartition> partitions,
                 Map<TopicPartition, Long> lastOffsets, CompletableFuture<Boolean> prior) {
            this(records, partitions, lastOffsets, new CompletableFuture<>(), prior);
        }

        /** Nothing to classify and nothing to acknowledge: the replica is stopping. */
        static Admitted nothing() {
            return new Admitted(List.of(), Set.of(), Map.of(), CompletableFuture.completedFuture(true));
        }
    }

    /** Partitions were assigned; {@code positions} are the offsets the consumer reads them from (-1: unknown). */
    public synchronized void assigned(Map<TopicPartition, Long> positions) {
        assignmentKnown = true;
        positions.forEach((partition, position) -> {
            next.put(partition, position);
            acked.remove(partition);
            failed.remove(partition);
            toCommit.remove(partition);
        });
    }

    /**
     * The consumer joined the group (again): its membership, read on the poll thread since the consumer
     * is single-threaded, for the inference thread's transactions to send with their offsets.
     */
    public synchronized void joined(ConsumerGroupMetadata metadata) {
        group = metadata;
    }

    /**
     * Whether the images consumer has been through a rebalance: it owns its partitions, or knows the
     * group has none to give it. Before that a replica is not ready, whatever else is.
     */
    public synchronized boolean assignmentKnown() {
        return assignmentKnown;
    }

    /** The partitions of the images topic this replica owns now. */
    public synchronized Set<TopicPartition> owned() {
        return Set.copyOf(next.keySet());
    }

    /** The consumer's group membership as of the last assignment; empty before any. */
    public synchronized Optional<ConsumerGroupMetadata> groupMetadata() {
        return Optional.ofNullable(group);
    }

    /**
     * Takes a poll batch in: keeps the records of owned partitions not classified before, in order,
     * and counts the batch as pending until {@link #completed} is called for it (always, even when
     * nothing was kept). {@code partitions} of
     * the answer are the owned partitions the batch touched: those may be acknowledged afterwards,
     * including re-delivered records that were skipped because they were classified already.
     */
    public synchronized Admitted admit(List<ConsumerRecord<String, byte[]>> batch) {
        pending++;
        if (stopped) {
            return Admitted.nothing();
        }
        List<ConsumerRecord<String, byte[]>> keep = new ArrayList<>(batch.size());
        Set<TopicPartition> partitions = new HashSet<>();
        Map<TopicPartition, Long> lastOffsets = new HashMap<>();
        /** Per partition, the lowest offset skipped as a re-delivery. */
        Map<TopicPartition, Long> skipped = new HashMap<>();
        // A poll batch comes partition by partition: the map is read and written once per run of a partition,
        // not once per record (no boxed offset per record).
        TopicPartition last = null;
        boolean owned = false;
        long expected = 0;
        long lastKept = -1;
        for (ConsumerRecord<String, byte[]> record : batch) {
            if (last == null || last.partition() != record.partition() || !last.topic().equals(record.topic())) {
                keptUpTo(last, lastKept, lastOffsets);
                last = new TopicPartition(record.topic(), record.partition());
                Long position = next.get(last);
                owned = position != null;
                expected = owned ? position : 0;
                lastKept = -1;
                if (owned) {
                    partitions.add(last);
                }
            }
            if (!owned) {
                continue; // revoked: the next owner reads it from the committed offset
            }
            if (record.offset() >= expected) {
                keep.add(record);
                expected = record.offset() + 1;
                lastKept = record.offset();
            } else {
                skipped.putIfAbsent(last, record.offset());
            }
        }
        keptUpTo(last, lastKept, lastOffsets);
        Admitted admitted = new Admitted(keep, partitions, lastOffsets, prior(skipped));
        inFlight.add(admitted);
        order.addLast(admitted);
        return admitted;
    }

    /** A run of {@code partition}'s records was kept up to {@code offset} (-1: none kept): the next one to classify follows it. */
    private void keptUpTo(TopicPartition partition, long offset, Map<TopicPartition, Long> lastOffsets) {
        if (partition != null && offset >= 0) {
            next.put(partition, offset + 1);
            lastOffsets.put(partition, offset);
        }
    }

    /** Completes once the batches in flight that hold the outputs of the skipped offsets completed. */
    private CompletableFuture<Boolean> prior(Map<TopicPartition, Long> skipped) {
        if (skipped.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        List<CompletableFuture<Boolean>> earlier = new ArrayList<>();
        for (Admitted batch : inFlight) {
            for (Map.Entry<TopicPartition, Long> entry : skipped.entrySet()) {
                Long held = batch.lastOffsets().get(entry.getKey());
                if (held != null && held >= entry.getValue()) {
                    earlier.add(batch.done());
                    break;
                }
            }
        }
        if (earlier.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        return CompletableFuture.allOf(earlier.toArray(CompletableFuture[]::new))
                .thenApply(v -> earlier.stream().allMatch(CompletableFuture::join));
    }

    /** A batch from {@link #admit} is done: its outputs are on the broker ({@code delivered}) or failed. */
    public void completed(Admitted batch, boolean delivered) {
        synchronized (this) {
            if (delivered) {
                // Also for partitions revoked meanwhile: revoke() is waiting for exactly these offsets.
                batch.lastOffsets().forEach((partition, offset) -> acked.merge(partition, offset, Math::max));
            } else {
                failed.addAll(batch.lastOffsets().keySet());
            }
            inFlight.remove(batch);
            settle(batch, delivered);
            pending--;
            notifyAll();
        }
        // Outside the lock: later batches waiting on this one acknowledge on this thread.
        batch.done().complete(delivered);
    }

    /** Moves what may be committed forward past {@code batch} and every completed one behind it, in admission order. */
    private void settle(Admitted batch, boolean delivered) {
        if (!order.contains(batch)) {
            return; // admitted while stopping: nothing to commit
        }
        outcomes.put(batch, delivered);
        while (!order.isEmpty() && outcomes.containsKey(order.peekFirst())) {
            Admitted oldest = order.removeFirst();
            boolean ok = outcomes.remove(oldest);
            for (Map.Entry<TopicPartition, Long> entry : oldest.lastOffsets().entrySet()) {
                TopicPartition partition = entry.getKey();
                if (!ok || failed.contains(partition)) {
                    toCommit.remove(partition);
                } else if (next.containsKey(partition)) {
                    toCommit.merge(partition, entry.getValue() + 1, Math::max);
                }
            }
        }
    }

    /**
     * At-least-once: the offsets to commit now, and forgets them. Per owned partition, past the records whose
     * batches and every batch admitted before them have their outputs on the broker; never past an output the
     * broker refused. Empty when nothing moved since the last call. Put them back with {@link #uncommitted} if
     * the commit fails.
     */
    public synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        if (toCommit.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        toCommit.forEach((partition, offset) -> commit.put(partition, new OffsetAndMetadata(offset)));
        toCommit.clear();
        return commit;
    }

    /** A commit of {@link #committable} offsets failed: they are committed with the next ones (if still owned). */
    public synchronized void uncommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            if (next.containsKey(partition) && !failed.contains(partition)) {
                toCommit.merge(partition, offset.offset(), Math::max);
            }
        });
    }

    /**
     * Partitions are being revoked: stops classifying their records, waits (at most {@code timeout})
     * for the batches in flight, and returns the offsets to commit for them (none for partitions
     * with nothing acknowledged since their assignment). Empty when the wait timed out: then only
     * what was committed before stays committed, and the next owner classifies the rest again.
     */
    public Optional<Map<TopicPartition, OffsetAndMetadata>> revoke(Collection<TopicPartition> partitions,
                                                                   Duration timeout) throws InterruptedException {
        Map<TopicPartition, Long> last = new HashMap<>();
        synchronized (this) {
            for (TopicPartition partition : partitions) {
                next.remove(partition);
                toCommit.remove(partition);
            }
            if (!awaitIdle(timeout)) {
                partitions.forEach(acked::remove);
                return Optional.empty();
            }
            for (TopicPartition partition : partitions) {
                Long offset = acked.remove(partition);
                if (offset != null && !failed.remove(partition)) {
                    last.put(partition, offset);
                }
            }
        }
        return Optional.of(commitOffsets(last));
    }

    /** The offsets to commit once the records up to {@code lastOffsets} are done: the next ones to read. */
    static Map<TopicPartition, OffsetAndMetadata> commitOffsets(Map<TopicPartition, Long> lastOffsets) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        lastOffsets.forEach((partition, offset) -> commit.put(partition, new OffsetAndMetadata(offset + 1)));
        return commit;
    }

    /**
     * The replica is stopping: no further batch is classified (nor acknowledged, so its records stay
     * uncommitted for the next owner); waits at most {@code timeout} for the batches in flight.
     *
     * @return true when every batch in flight completed within the timeout
     */
    public synchronized boolean stop(Duration timeout) throws InterruptedException {
        stopped = true;
        return awaitIdle(timeout);
    }

    /** Batches admitted and not yet completed. */
    public synchronized int pending() {
        return pending;
    }

    private boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
