package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.commit.ContextHolder;
import io.smallrye.reactive.messaging.kafka.commit.KafkaCommitHandler;
import io.vertx.mutiny.core.Context;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The images channel's at-least-once commit strategy: SmallRye's throttled strategy, except that a
 * group coordinator out of reach no longer stops the stream for good.
 *
 * <p>The throttled strategy asks the coordinator for a partition's committed offset when the partition's
 * first record arrives, and fails the whole channel if that call times out
 * ({@code default.api.timeout.ms}, 5 s here so that health answers stay quick). A coordinator lost in the
 * seconds after an assignment (a broker restarting, a leader election) therefore stopped every partition
 * until an operator restarted the replica. Here that call is repeated, with a growing pause of at most
 * {@link #MAX_PAUSE}, for as long as an output may wait for the broker ({@code digitflow.output.delivery-timeout}):
 * the partitions' records wait, nothing is skipped or classified out of order, and the stream goes on
 * when the coordinator is back. Only past that bound does the channel fail, as it does for outputs.
 * Everything else is the throttled strategy's own.
 */
@ApplicationScoped
@Identifier(PatientCommits.NAME)
public class PatientCommits implements KafkaCommitHandler.Factory {

    /** The name {@code mp.messaging.incoming.images.commit-strategy} refers to (at-least-once). */
    public static final String NAME = "digitflow-throttled";

    static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    static final Duration MAX_PAUSE = Duration.ofSeconds(5);

    private final KafkaCommitHandler.Factory throttled;
    private final Duration patience;

    public PatientCommits(@Identifier(KafkaCommitHandler.Strategy.THROTTLED) KafkaCommitHandler.Factory throttled,
                          DigitflowConfig config) {
        this.throttled = throttled;
        this.patience = config.output().deliveryTimeout();
    }

    @Override
    public KafkaCommitHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx,
                                     KafkaConsumer<?, ?> consumer, BiConsumer<Throwable, Boolean> reportFailure) {
        return new Handler(throttled.create(config, vertx, consumer, reportFailure), vertx, patience,
                config.getChannel());
    }

    /**
     * {@code attempt}'s item, asking again after a pause while it fails with a retriable Kafka error and
     * {@code patience} has not run out; each retry is subscribed through {@code context}, where the
     * throttled strategy expects its calls.
     */
    static <T> Uni<T> patiently(Supplier<Uni<T>> attempt, Duration patience, Executor context, String what) {
        long deadline = System.nanoTime() + patience.toNanos();
        return attempt(attempt, deadline, FIRST_PAUSE, context, what);
    }

    private static <T> Uni<T> attempt(Supplier<Uni<T>> attempt, long deadline, Duration pause, Executor context,
                                      String what) {
        return Uni.createFrom().<T>deferred(attempt::get)
                .onFailure(e -> retriable(e) && System.nanoTime() + pause.toNanos() < deadline)
                .recoverWithUni(e -> {
                    Log.warnf("%s failed (%s); asking again in %d ms", what, e.getMessage(), pause.toMillis());
                    Duration next = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
                    return Uni.createFrom().voidItem().onItem().delayIt().by(pause).emitOn(context)
                            .chain(() -> attempt(attempt, deadline, next, context, what));
                });
    }

    static boolean retriable(Throwable failure) {
        Throwable e = failure;
        for (int depth = 0; e != null && depth < 8; depth++, e = e.getCause()) {
            if (e instanceof RetriableException) {
                return true;
            }
            if (!(e instanceof CompletionException)) {
                return false;
            }
        }
        return false;
    }

    /**
     * The throttled handler, with {@link #received} made patient. It stays a {@link ContextHolder} (SmallRye hands
     * the channel's event-loop context to those) and passes the context on.
     */
    static final class Handler extends ContextHolder implements KafkaCommitHandler {

        private final KafkaCommitHandler delegate;
        private final Duration patience;
        private final String channel;

        Handler(KafkaCommitHandler delegate, Vertx vertx, Duration patience, String channel) {
            super(vertx, (int) Math.min(Integer.MAX_VALUE, MAX_PAUSE.toMillis()));
            this.delegate = delegate;
            this.patience = patience;
            this.channel = channel;
        }

        @Override
        public void capture(Context context) {
            super.capture(context);
            if (delegate instanceof ContextHolder holder) {
                holder.capture(context);
            }
        }

        @Override
        public void capture(io.vertx.core.Context context) {
            super.capture(context);
            if (delegate instanceof ContextHolder holder) {
                holder.capture(context);
            }
        }

        @Override
        public <K, V> Uni<IncomingKafkaRecord<K, V>> received(IncomingKafkaRecord<K, V> record) {
            return patiently(() -> delegate.received(record), patience, this::runOnContext,
                    "Channel " + channel + ": reading the committed offset of " + record.getTopic() + "-"
                            + record.getPartition());
        }

        @Override
        public <K, V> Multi<IncomingKafkaRecord<K, V>> decorateStream(
                Multi<IncomingKafkaRecord<K, V>> consumed) {
            return delegate.decorateStream(consumed);
        }

        @Override
        public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record) {
            return delegate.handle(record);
        }

        @Override
        public void terminate(boolean graceful) {
            delegate.terminate(graceful);
        }

        @Override
        public void partitionsAssigned(Collection<TopicPartition> partitions) {
            delegate.partitionsAssigned(partitions);
        }

        @Override
        public void partitionsRevoked(Collection<TopicPartition> partitions) {
            delegate.partitionsRevoked(partitions);
        }
    }
}
