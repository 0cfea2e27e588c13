package io.digitflow.broker;

import io.digitflow.support.KafkaClients;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.digitflow.broker.KafkaTestResource.Kind;

class KafkaTestResourceTest {

    @Test
    void usesAContainerWhereDockerRunsAndNothingWasRequested() {
        assertThat(KafkaTestResource.choose(null, () -> true).kind()).isEqualTo(Kind.CONTAINER);
        assertThat(KafkaTestResource.choose(" ", () -> true).kind()).isEqualTo(Kind.CONTAINER);
    }

    @Test
    void usesTheLocalBrokerWithoutDocker() {
        var choice = KafkaTestResource.choose(null, () -> false);

        assertThat(choice.kind()).isEqualTo(Kind.LOCAL);
        assertThat(choice.reason()).contains("no Docker");
    }

    @Test
    void theRequestedKindWinsWithoutAskingDocker() {
        AtomicBoolean asked = new AtomicBoolean();

        assertThat(KafkaTestResource.choose("local", () -> asked.getAndSet(true)).kind()).isEqualTo(Kind.LOCAL);
        assertThat(KafkaTestResource.choose("Container", () -> asked.getAndSet(true)).kind())
                .isEqualTo(Kind.CONTAINER);
        assertThat(asked).isFalse();
    }

    @Test
    void anUnknownKindIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> KafkaTestResource.choose("docker", () -> true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(KafkaTestResource.KIND_PROPERTY)
                .hasMessageContaining("docker");
    }

    @Test
    void everyCallerGetsTheSameLiveBroker() throws Exception {
        String bootstrapServers = KafkaTestResource.bootstrapServers();

        assertThat(new KafkaTestResource().start()).containsEntry("kafka.bootstrap.servers", bootstrapServers);
        assertThat(KafkaTestResource.bootstrapServers()).isEqualTo(bootstrapServers);
        try (var admin = KafkaClients.admin(bootstrapServers)) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
    }
}
