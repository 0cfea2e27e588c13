package io.digitflow.kafka;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.Config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Static group membership for every consumer channel (the images and the control group): the
 * replica's id ({@link ReplicaIdentity}) is its {@code group.instance.id}, so a replica restarted
 * after a crash rejoins as the same member and gets its partitions back at once instead of after the
 * dead member's session timeout. A channel's own {@code group.instance.id} setting wins.
 *
 * <p>Static members do not leave their group when they close; on a clean stop this removes them
 * explicitly (Admin removeMembersFromConsumerGroup), after the consumers closed, so the
 * remaining replicas rebalance at once.
 */
@ApplicationScoped
public class StaticMembership implements ClientCustomizer<Map<String, Object>> {

    /** After SmallRye's Kafka connector closed the control consumer on the same event (priority 50); the images poll loop closed its consumer on ShutdownEvent. */
    static final int AFTER_CONSUMERS_CLOSED = 500;

    private final ReplicaIdentity identity;
    /** group.id -> the consumer settings (bootstrap, security) its membership was created with. */
    private final Map<String, Map<String, Object>> joined = new LinkedHashMap<>();

    public StaticMembership(ReplicaIdentity identity) {
        this.identity = identity;
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> kafka) {
        Object group = kafka.get(ConsumerConfig.GROUP_ID_CONFIG);
        if (group == null || !kafka.containsKey(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)) {
            return kafka; // not a consumer
        }
        member(kafka);
        return kafka;
    }

    /** Makes the consumer settings {@code kafka} (with a group.id) this replica's static membership, unless they name one. */
    public void member(Map<String, Object> kafka) {
        Object group = kafka.get(ConsumerConfig.GROUP_ID_CONFIG);
        kafka.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, identity.id());
        if (group != null && identity.id().equals(kafka.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))) {
            synchronized (joined) {
                joined.put(group.toString(), Map.copyOf(kafka));
            }
        }
    }

    /** The groups this replica is a static member of. */
    public List<String> groups() {
        synchronized (joined) {
            return List.copyOf(joined.keySet());
        }
    }

    /**
     * Only if this bean exists: when start-up failed before any consumer was made, creating it here
     * (and the settings it needs) at shutdown would bury the one-line cause under a stack trace.
     */
    void leave(@Observes(notifyObserver = Reception.IF_EXISTS) @Priority(AFTER_CONSUMERS_CLOSED)
               @BeforeDestroyed(ApplicationScoped.class) Object event) {
        Map<String, Map<String, Object>> groups;
        synchronized (joined) {
            groups = new LinkedHashMap<>(joined);
            joined.clear();
        }
        groups.forEach((group, settings) -> leave(group, settings));
    }

    private void leave(String group, Map<String, Object> settings) {
        try (Admin client = ClientFactory.of(settings).admin("digitflow-leave-" + identity.id(), Map.of())) {
            client.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(
                    List.of(new MemberToRemove(identity.id())))).all().get(5, TimeUnit.SECONDS);
            Log.infof("Left consumer group %s as %s", group, identity.id());
        } catch (ExecutionException | TimeoutException e) {
            // Not a member (never joined, or removed already), or the broker is gone: the session timeout applies.
            Log.infof("Could not leave consumer group %s as %s (%s); the group waits out the session timeout",
                    group, identity.id(), e.getCause() != null ? e.getCause().getMessage() : e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
