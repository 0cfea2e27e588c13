package io.digitflow.kafka;

import io.digitflow.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replica id: a lowest free slot per home, never shared by live processes, distinct across homes. */
class ReplicaIdentityTest {

    @TempDir
    Path home;

    @Test
    void twoProcessesOnOneHomeGetDifferentIdsAndARestartTakesTheFreedSlotBack() throws Exception {
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ReplicaSlotHolder.class.getName(), home.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String otherId;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
            otherId = out.readLine();
            assertThat(otherId).as("the other process's id").endsWith("-0");
            try (ReplicaIdentity.Slot mine = ReplicaIdentity.claim(home, "testhost")) {
                assertThat(mine.id()).isNotEqualTo(otherId).endsWith("-1");
            }
            other.getOutputStream().close(); // lets the other process end, releasing its slot
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (ReplicaIdentity.Slot restarted = ReplicaIdentity.claim(home, "testhost")) {
            assertThat(restarted.id()).as("a restart re-claims the lowest free slot").isEqualTo(otherId);
        }
    }

    @Test
    void slotsInOneProcessAreDistinctToo() throws Exception {
        try (ReplicaIdentity.Slot a = ReplicaIdentity.claim(home, "h"); ReplicaIdentity.Slot b = ReplicaIdentity.claim(home, "h")) {
            assertThat(a.id()).isNotEqualTo(b.id());
        }
    }

    @Test
    void differentHomesOnOneHostGetDifferentIds(@TempDir Path otherHome) throws Exception {
        try (ReplicaIdentity.Slot a = ReplicaIdentity.claim(home, "same-host");
             ReplicaIdentity.Slot b = ReplicaIdentity.claim(otherHome, "same-host")) {
            assertThat(a.id()).startsWith("same-host-").endsWith("-0");
            assertThat(b.id()).startsWith("same-host-").endsWith("-0");
            assertThat(a.id()).isNotEqualTo(b.id());
        }
    }

    @Test
    void derivedIdsAreValidGroupInstanceIds() throws Exception {
        try (ReplicaIdentity.Slot slot = ReplicaIdentity.claim(home, "a host/with:odd chars".repeat(10))) {
            assertThat(slot.id()).matches(ReplicaIdentity.VALID);
        }
    }

    @Test
    void aBadSettingNamesTheSetting() {
        for (String bad : List.of("has space", "a/b", "x".repeat(65), "ünïcode")) {
            assertThatThrownBy(() -> ReplicaIdentity.validate(bad)).isInstanceOf(UserException.class)
                    .hasMessageContaining("digitflow.replica-id").hasMessageNotContaining("\n");
        }
        assertThat(ReplicaIdentity.validate("digitflow-2")).isEqualTo("digitflow-2");
    }
}
