package io.digitflow.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

/** Creates topics idempotently: missing ones with their spec, existing ones left exactly as they are. */
public final class TopicSetup {

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);
    /** Metadata reaches the brokers within milliseconds; asking again sooner only adds requests. */
    private static final Duration METADATA_POLL = Duration.ofMillis(50);

    private TopicSetup() {
    }

    /**
     * Creates every topic of {@code topics} that does not exist yet, returns once all of them are
     * visible to clients, and returns the names it created.
     *
     * @throws IllegalStateException when the broker refuses a topic or does not answer within {@code timeout}
     */
    public static Set<String> ensure(Admin admin, Collection<TopicSpec> topics, Duration timeout) {
        Map<String, NewTopic> requests = new LinkedHashMap<>();
        for (TopicSpec spec : topics) {
            // No replication factor: the cluster's default.replication.factor applies (1 on the local
            // broker, whatever the operators chose on a production cluster).
            requests.put(spec.name(), new NewTopic(spec.name(), Optional.of(spec.partitions()), Optional.empty())
                    .configs(spec.configs()));
        }
        var options = new CreateTopicsOptions().timeoutMs((int) timeout.toMillis());
        Map<String, KafkaFuture<Void>> results = admin.createTopics(requests.values(), options).values();
        Set<String> created = new LinkedHashSet<>();
        for (var result : results.entrySet()) {
            if (awaitCreation(result.getKey(), result.getValue(), timeout)) {
                created.add(result.getKey());
            }
        }
        awaitVisible(admin, requests.keySet(), timeout);
        LOG.infof("Topics ready: created %s, already there %s", created, without(requests.keySet(), created));
        return created;
    }

    /**
     * The controller confirms a creation before the broker's metadata cache has the topic; until it
     * does, clients are told the topic does not exist. Polls until they are not.
     */
    private static void awaitVisible(Admin admin, Set<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topics " + topics + " are not visible to clients: "
                            + e.getCause(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("The broker did not describe topics " + topics + " within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for topics " + topics, e);
            }
            backOff();
        }
    }

    private static void backOff() {
        try {
            Thread.sleep(METADATA_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for topic metadata", e);
        }
    }

    /** True when the topic was created, false when it existed already. */
    private static boolean awaitCreation(String topic, KafkaFuture<Void> future, Duration timeout) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new IllegalStateException("Could not create topic " + topic + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The broker did not confirm topic " + topic + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + topic, e);
        }
    }

    private static Set<String> without(Set<String> all, Set<String> removed) {
        Set<String> rest = new LinkedHashSet<>(all);
        rest.removeAll(removed);
        return rest;
    }
}
