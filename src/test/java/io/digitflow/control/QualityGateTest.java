package io.digitflow.control;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class QualityGateTest {

    private final QualityGate gate = new QualityGate(0.97, 0.005);

    @Test
    void passesAboveTheMinimumAndCloseToTheServingModel() {
        assertThat(gate.judge(0.978, Optional.of(0.980)).passed()).isTrue();
        assertThat(gate.judge(0.97, Optional.empty()).passed()).isTrue();
    }

    @Test
    void refusesBelowTheMinimum() {
        QualityGate.Verdict v = gate.judge(0.9612, Optional.of(0.95));
        assertThat(v.passed()).isFalse();
        assertThat(v.reason()).contains("0.9612 is below the minimum 0.9700");
    }

    @Test
    void refusesMoreThanTheMarginBelowTheServingModel() {
        QualityGate.Verdict v = gate.judge(0.974, Optional.of(0.981));
        assertThat(v.passed()).isFalse();
        assertThat(v.reason()).contains("more than 0.0050 below the serving model's 0.9810");
    }
}
