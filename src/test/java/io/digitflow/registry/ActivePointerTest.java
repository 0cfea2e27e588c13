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
}
