package io.digitflow.web;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperatorActionsTest {

    @Test
    void onlyKnownCommandsAndTheirFieldsPassToTheControlTopic() {
        assertThat(OperatorActions.command("{\"command\":\"retrain\",\"epochs\":2,\"evil\":\"x\"}").toString())
                .isEqualTo("{\"command\":\"retrain\",\"epochs\":2}");
        assertThat(OperatorActions.command("{\"command\":\"promote\",\"version\":\"v1\"}").get("version").asText())
                .isEqualTo("v1");
        assertThatThrownBy(() -> OperatorActions.command("{\"command\":\"drop-everything\"}"))
                .hasMessageContaining("command must be one of");
        assertThatThrownBy(() -> OperatorActions.command("not json")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> OperatorActions.command("{\"command\":\"retrain\",\"epochs\":\"9\"}"))
                .hasMessageContaining("epochs must be a number");
    }

    @Test
    void theTokenMustMatchExactly() {
        assertThat(Console.sameSecret(Optional.of("secret"), "secret")).isTrue();
        assertThat(Console.sameSecret(Optional.of("secret"), "secre")).isFalse();
        assertThat(Console.sameSecret(Optional.of("secret"), null)).isFalse();
        assertThat(Console.sameSecret(Optional.empty(), "anything")).isFalse();
    }

    @Test
    void theTryItRateIsBounded() {
        RateLimit limit = new RateLimit(3);
        int granted = 0;
        for (int i = 0; i < 100; i++) {
            granted += limit.tryAcquire() ? 1 : 0;
        }
        // Three at once, and at most a few more for the time the loop itself took.
        assertThat(granted).isBetween(3, 4);
    }
}
