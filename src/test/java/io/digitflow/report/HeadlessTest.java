package io.digitflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HeadlessTest {

    private static final String PROPERTY = "java.awt.headless";
    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, before);
        }
    }

    @Test
    void turnsHeadlessOnWhenNobodySaid() {
        System.clearProperty(PROPERTY);

        Headless.ensure();

        assertThat(System.getProperty(PROPERTY)).isEqualTo("true");
    }

    @Test
    void keepsWhatTheUserChose() {
        System.setProperty(PROPERTY, "false");

        Headless.ensure();

        assertThat(System.getProperty(PROPERTY)).isEqualTo("false");
    }
}
