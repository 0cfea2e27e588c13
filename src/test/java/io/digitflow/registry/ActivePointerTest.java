package io.digitflow.registry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ActivePointerTest {

    @Test
    void promoteRemembersAndRollbackReturnsToTheVersionBefore() throws Exception {
        ActivePointer first = new ActivePointer("v1", List.of());
        ActivePointer third = first.promote("v2").promote("v3");
        assertThat(third.history()).containsExactly("v1", "v2");
        ActivePointer back = third.rollback().orElseThrow();
        assertThat(back).isEqualTo(new ActivePointer("v2", List.of("v1")));
        assertThat(back.rollback().orElseThrow().rollback()).isEmpty();
    }

    @Test
    void thePointerRecordRoundTripsAsJson() throws Exception {
        ActivePointer pointer = new ActivePointer("v3", List.of("v1", "v2"));
        assertThat(new String(ModelRecords.pointer(pointer), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"version\":\"v3\",\"history\":[\"v1\",\"v2\"]}");
        assertThat(ModelRecords.pointer(ModelRecords.pointer(pointer))).isEqualTo(pointer);
    }

    @Test
    void anExperimentTravelsInThePointerAndEndsWithAPromotionOrARollback() throws Exception {
        ActivePointer shadowing = new ActivePointer("v2", List.of("v1")).withShadow("v3");
        assertThat(shadowing.candidate()).contains("v3");
        assertThat(ModelRecords.pointer(ModelRecords.pointer(shadowing))).isEqualTo(shadowing);
        ActivePointer canary = shadowing.withCanary(new ActivePointer.Canary("v3", 20));
        assertThat(canary.shadow()).isNull();
        assertThat(new String(ModelRecords.pointer(canary), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"version\":\"v2\",\"history\":[\"v1\"],\"canary\":{\"version\":\"v3\",\"percent\":20}}");
        assertThat(canary.promote("v3")).isEqualTo(new ActivePointer("v3", List.of("v1", "v2")));
        assertThat(canary.rollback().orElseThrow().candidate()).isEmpty();
        assertThat(canary.withShadow(null).candidate()).isEmpty();
        // A pointer written before experiments existed still reads.
        assertThat(ModelRecords.pointer("{\"version\":\"v2\",\"history\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .candidate()).isEmpty();
    }
}
