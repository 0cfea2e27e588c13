package io.digitflow.kafka;

import io.digitflow.broker.KafkaTestResource;
import io.digitflow.support.AppProcess;
import io.digitflow.support.TestModels;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The packaged service's replica id: a bad setting is one line; a SIGTERM leaves both static groups at once. */
class ReplicaIdentityIT {

    private static final String PREFIX = "identity";
    private static final String GROUP = PREFIX + "-service";

    @Test
    void aBadReplicaIdIsOneLineNamingTheSetting() throws Exception {
        AppProcess.Result result = AppProcess.run(Map.of("DIGITFLOW_REPLICA_ID", "no spaces/or slashes"), "serve");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).contains("digitflow.replica-id");
    }

    @Test
    void aStoppedReplicaLeavesItsStaticGroupsAtOnce() throws Exception {
        String bootstrap = KafkaTestResource.bootstrapServers();
        TestModels.ensure();
        Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve("identity-service.log");
        Files.deleteIfExists(log);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicSetup.ensure(admin, List.of(new TopicSpec(PREFIX + ".images", 3, Map.of()),
                    new TopicSpec(PREFIX + ".predictions", 3, Map.of()),
                    new TopicSpec(PREFIX + ".images.dlq", 1, Map.of())), Duration.ofSeconds(30));
            AppProcess service = AppProcess.serve(bootstrap, PREFIX, log,
                    Map.of("digitflow.replica-id", "replica-a"), TestModels.HOME);
            try {
                await("static member of both groups").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !service.isAlive()
                                || (instances(admin, GROUP).contains(Optional.of("replica-a"))
                                && instances(admin, GROUP + "-control").contains(Optional.of("replica-a"))));
                assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();
                assertThat(Files.readString(log)).contains("Replica id replica-a")
                        .as("no start-up line says the images channel is off: the poll loop of our own reads them")
                        .doesNotContain("disabled by configuration");
            } finally {
                assertThat(service.stop(Duration.ofSeconds(60))).as("stopped by SIGTERM").isTrue();
            }
            // Right after the exit, not after the session timeout: static members do not leave on close.
            assertThat(instances(admin, GROUP)).as("images group members after SIGTERM").isEmpty();
            assertThat(instances(admin, GROUP + "-control")).as("control group members after SIGTERM").isEmpty();
        }
    }

    private static List<Optional<String>> instances(Admin admin, String group) throws Exception {
        ConsumerGroupDescription description;
        try {
            description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return List.of(); // not created yet (Kafka 4 answers so for a group nobody joined)
            }
            throw e;
        }
        return description.members().stream().map(MemberDescription::groupInstanceId).toList();
    }
}
