package io.digitflow.stream;

import java.util.HashMap;
import io.digitflow.kafka.ClientFactory;
import io.digitflow.config.DigitflowConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import io.quarkus.logging.Log;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes predictions and dead letters with one plain Kafka producer. A SmallRye emitter costs a
 * Message and several Mutiny stages per record; on this path that overhead was the bottleneck, so
 * the outputs of a poll batch go straight to the producer and the batch is acknowledged once the
 * broker has acknowledged every one of them.
 *
 * <p>In exactly-once mode ({@code digitflow.delivery}) the producer is transactional: each poll
 * batch's outputs and the consumer's offsets past it are committed together ({@link #sendInTransaction}),
 * one transaction at a time.
 */
@ApplicationScoped
public class OutputProducer {

    private final KafkaProducer<String, byte[]> producer;
    /** The transactional.id in exactly-once mode; empty in at-least-once mode. */
    private final Optional<String> transactionalId;
    private boolean transactionsReady;
    /** Sends the replacements of refused outputs; rarely busy, so one thread. */
    private final java.util.concurrent.ExecutorService resender = java.util.concurrent.Executors.newSingleThreadExecutor(
            runnable -> {
                Thread thread = new Thread(runnable, "digitflow-refused-outputs");
                thread.setDaemon(true);
                return thread;
            });

    @Inject
    public OutputProducer(@Identifier("default-kafka-broker") Map<String, Object> kafka, DigitflowConfig config,
                          Delivery delivery) {
        this.transactionalId = delivery.transactionalId();
        this.producer = ClientFactory.of(kafka).producer("digitflow-outputs", settings(kafka, config, delivery));
    }

    /** The output producer's own settings, over {@code kafka.*} (which also applies: bootstrap servers, SASL/TLS). */
    static Map<String, Object> settings(Map<String, Object> kafka, DigitflowConfig config, Delivery delivery) {
        // acks=all and idempotence come from ClientFactory: at-least-once without duplicates from retries.
        Map<String, Object> props = new HashMap<>();
        // A poll batch's outputs arrive as a burst, so batches fill without waiting: no linger. Measured against
        // 2 and 20 ms in warmed drains (docs/performance.md): never costlier in CPU, and up to 2 ms sooner.
        // kafka.linger.ms and kafka.batch.size win when set.
        if (!kafka.containsKey(ProducerConfig.LINGER_MS_CONFIG)) {
            props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        }
        if (!kafka.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)) {
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        }
        // Set, not defaulted: every output is built to fit it (BatchProcessor), and serve checks at start
        // that the output topics' max.message.bytes take it (OutputLimits).
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, RecordBounds.of(config).maxOutputBytes());
        // The producer compresses on the calling thread, the inference thread; see the setting's Javadoc.
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.output().compression());
        // send() blocks when this fills: back-pressure onto the consumer instead of unbounded memory.
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        // A broker restart or a leader election can take longer than the 2-minute default; a send that
        // fails stops the stream, so outputs keep retrying (and the consumer waits) for this long.
        int deliveryMillis = (int) Math.min(Integer.MAX_VALUE, config.output().deliveryTimeout().toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryMillis);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) deliveryMillis);
        // transaction.timeout.ms stays Kafka's 60 s unless kafka.transaction.timeout.ms says otherwise.
        delivery.transactionalId().ifPresent(id -> props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id));
        return props;
    }

    /**
     * Fetches the metadata of {@code topics} now, so that the first outputs do not wait for it. A topic
     * that cannot be described is left to the first send, which waits as usual.
     */
    public void prefetchMetadata(List<String> topics) {
        for (String topic : topics) {
            try {
                producer.partitionsFor(topic);
            } catch (KafkaException e) {
                Log.debugf("No metadata for %s yet (%s); the first output fetches it", topic, e.getMessage());
            }
        }
    }

    /**
     * Exactly-once mode: registers the transactional.id with the broker, which aborts whatever
     * transaction an earlier producer with the same id left open (a crashed predecessor) and fences
     * that producer off. Must run before the images consumer reads: until then the offsets the
     * predecessor sent in its open transaction are unstable, and the consumer waits on them.
     * Does nothing in at-least-once mode, or when done already.
     */
    public synchronized void initTransactions() {
        if (transactionalId.isPresent() && !transactionsReady) {
            producer.initTransactions();
            transactionsReady = true;
        }
    }

    /**
     * Exactly-once mode: sends {@code records} and commits {@code offsets} for the consumer group
     * {@code group} in one transaction; returns once it is committed. An output the broker refuses for
     * a reason tied to that record ({@link #refusedForRecord}) fails the whole transaction, which is
     * aborted; the transaction is then made again with that output replaced by the dead letter
     * {@code refusals} makes (once per output: a refused replacement is a fault of the stream). On any
     * other failure the transaction is aborted (when the producer still can) and the exception
     * rethrown: nothing of it becomes visible to read_committed consumers, and the offsets stay where
     * they were.
     */
    public void sendInTransaction(List<ProducerRecord<String, byte[]>> records,
                                  Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group,
                                  Refusals refusals) {
        List<ProducerRecord<String, byte[]>> attempt = new ArrayList<>(records);
        boolean[] replaced = new boolean[records.size()];
        // Each retry replaces at least one output, so there are at most as many as outputs.
        for (int round = 0; ; round++) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(attempt.size());
            try {
                transaction(attempt, offsets, group, sent);
                return;
            } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
                     | UnsupportedVersionException e) {
                throw e;
            } catch (KafkaException e) {
                if (refusals == null || round >= records.size() || e.getSuppressed().length > 0) {
                    throw e; // no replacements, or the abort failed too and the producer cannot go on
                }
                Map<Integer, KafkaException> refused;
                try {
                    refused = refusedIn(attempt, sent);
                } catch (KafkaException probeFailed) {
                    e.addSuppressed(probeFailed);
                    throw e;
                }
                if (refused.isEmpty()) {
                    throw e; // not a refusal of a record: a fault of the stream
                }
                for (Map.Entry<Integer, KafkaException> entry : refused.entrySet()) {
                    int index = entry.getKey();
                    if (replaced[index]) {
                        throw e; // the broker refused the dead letter as well
                    }
                    replaced[index] = true;
                    attempt.set(index, refusals.deadLetter(index, entry.getValue()));
                }
                Log.warnf("Transaction aborted: the broker refused %d output(s) (%s); trying again with them "
                        + "dead-lettered", refused.size(), refused.values().iterator().next().getMessage());
            }
        }
    }

    /** One transaction: the records, the offsets, the commit; aborted on failure (see above). */
    private void transaction(List<ProducerRecord<String, byte[]>> records, Map<TopicPartition, OffsetAndMetadata> offsets,
                             ConsumerGroupMetadata group, List<Future<RecordMetadata>> sent) {
        initTransactions();
        producer.beginTransaction();
        try {
            for (ProducerRecord<String, byte[]> record : records) {
                // A failed send fails commitTransaction, which flushes first.
                sent.add(producer.send(record));
            }
            // KIP-447: the group's generation goes along, so a replica that lost these partitions in a
            // rebalance (a zombie) has its offsets refused and its transaction aborted.
            producer.sendOffsetsToTransaction(offsets, group);
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
                 | UnsupportedVersionException e) {
            // Fatal for this producer (another one took over the id, or it may not do transactions):
            // no abort possible; the broker aborts the transaction itself.
            throw e;
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    /**
     * The outputs of an aborted transaction that the broker refused for what they are, by index. The
     * producer's answer alone does not say which: once one batch is refused, the batches not sent yet
     * are failed with that same exception. So each candidate is tried alone in a transaction of its
     * own, which is then aborted (read_committed readers never see it): refused again, it is the
     * record's fault. At most one try per output of the poll batch; a refusal is rare.
     */
    private Map<Integer, KafkaException> refusedIn(List<ProducerRecord<String, byte[]>> records,
                                                   List<Future<RecordMetadata>> sent) {
        Map<Integer, KafkaException> refused = new TreeMap<>();
        for (int i = 0; i < sent.size(); i++) {
            if (refusedForRecord(outcome(sent.get(i))) && refusedAlone(records.get(i)) instanceof KafkaException e) {
                refused.put(i, e);
            }
        }
        return refused;
    }

    /** The refusal of {@code record} sent alone in a transaction that is aborted; null when it goes through. */
    private Throwable refusedAlone(ProducerRecord<String, byte[]> record) {
        producer.beginTransaction();
        Future<RecordMetadata> sent = producer.send(record);
        try {
            producer.flush();
        } catch (KafkaException e) {
            // The outcome is in the future.
        }
        Throwable outcome = outcome(sent);
        producer.abortTransaction();
        return refusedForRecord(outcome) ? outcome : null;
    }

    /** How a send ended: null when it went through (or did not end in time), else the exception. */
    private static Throwable outcome(Future<RecordMetadata> sent) {
        try {
            sent.get(SEND_SETTLED.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** How long a send of an aborted transaction may take to report its outcome. */
    private static final Duration SEND_SETTLED = Duration.ofSeconds(5);

    /** What to send instead of an output the broker refused for a reason tied to that record. */
    @FunctionalInterface
    public interface Refusals {
        /** The dead letter replacing output {@code index}, which the broker refused with {@code reason}. */
        ProducerRecord<String, byte[]> deadLetter(int index, KafkaException reason);
    }

    /** Sends all records in order; the future completes when the broker acknowledged every one. */
    public CompletableFuture<Void> sendAll(List<ProducerRecord<String, byte[]>> records) {
        return sendAll(records, null);
    }

    /**
     * Sends all records in order; the future completes when the broker acknowledged every one, or its
     * replacement: an output the broker refuses for a reason tied to that record ({@link #refusedForRecord})
     * is replaced by the dead letter {@code refusals} makes, once; a record refused only because it
     * shared a batch with an invalid one is sent again, at most {@value #SIBLING_RESENDS} times. Any
     * other failure (and a refused replacement) fails the future: a fault of the whole stream.
     */
    public CompletableFuture<Void> sendAll(List<ProducerRecord<String, byte[]>> records, Refusals refusals) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (records.isEmpty()) {
            done.complete(null);
            return done;
        }
        AtomicInteger remaining = new AtomicInteger(records.size());
        for (int i = 0; i < records.size(); i++) {
            send(records.get(i), i, 0, false, refusals, remaining, done);
        }
        return done;
    }

    /** Times a record refused only for sharing a batch with an invalid record is sent again. */
    static final int SIBLING_RESENDS = 3;

    private void send(ProducerRecord<String, byte[]> record, int index, int resends, boolean replacement,
                      Refusals refusals, AtomicInteger remaining, CompletableFuture<Void> done) {
        if (replacement || resends > 0) {
            try {
                trySend(record, index, resends, replacement, refusals, remaining, done);
            } catch (RuntimeException e) {
                done.completeExceptionally(e); // the producer is closing, say: the batch fails
            }
            return;
        }
        trySend(record, index, resends, replacement, refusals, remaining, done);
    }

    private void trySend(ProducerRecord<String, byte[]> record, int index, int resends, boolean replacement,
                         Refusals refusals, AtomicInteger remaining, CompletableFuture<Void> done) {
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                if (remaining.decrementAndGet() == 0) {
                    done.complete(null);
                }
            } else if (!replacement && refusals != null && refusedForRecord(error)) {
                // Not on the producer's I/O thread, which this callback runs on: send() may wait for
                // metadata or buffer space, which only that thread provides.
                resender.execute(() -> send(refusals.deadLetter(index, (KafkaException) error), index, 0, true,
                        refusals, remaining, done));
            } else if (resends < SIBLING_RESENDS && refusedForSibling(error)) {
                resender.execute(() -> send(record, index, resends + 1, replacement, refusals, remaining, done));
            } else {
                done.completeExceptionally(error);
            }
        });
    }

    /**
     * The broker (or the producer, before sending) refused this one record for what it is: too large for
     * the request or the topic, invalid for the topic (a compacted topic and no key, say), or refused by
     * a per-record policy. Another record would go through: the record is dead-lettered, the stream goes on.
     * Everything else (timeouts, authorization, fencing, an unknown topic) concerns the whole stream.
     */
    public static boolean refusedForRecord(Throwable error) {
        return error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException
                || error instanceof InvalidRecordException || error instanceof PolicyViolationException;
    }

    /** The producer fails every record of a batch the broker refused for one invalid record; the others are fine. */
    static boolean refusedForSibling(Throwable error) {
        return error != null && error.getClass() == KafkaException.class && error.getMessage() != null
                && error.getMessage().contains("part of a batch which had one");
    }

    @PreDestroy
    void close() {
        // Lets in-flight outputs reach the broker, so their batches can still be acknowledged.
        producer.close(Duration.ofSeconds(10));
        resender.shutdownNow();
    }
}
