package io.digitflow.broker;

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
import org.jboss.logging.Logger;

/** Creates topics idempotently: missing ones with their spec, existing ones left exactly as they are. */
public final class TopicSetup {

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /**
     * Creates every topic of {@code topics} that does not exist yet and returns the names it created.
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
        LOG.infof("Topics ready: created %s, already there %s", created, without(requests.keySet(), created));
        return created;
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
