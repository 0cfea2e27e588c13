package io.digitflow.support;

import io.digitflow.config.DigitflowConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.util.Map;

/**
 * The app's configuration as Quarkus reads it, without starting Quarkus: application.properties with
 * expressions expanded, system properties, Quarkus' duration syntax, and {@code overrides} on top.
 */
public final class TestConfig {

    private TestConfig() {
    }

    public static SmallRyeConfig of(Map<String, String> overrides) {
        URL properties = TestConfig.class.getResource("/application.properties");
        try {
            return new SmallRyeConfigBuilder()
                    .addDefaultInterceptors() // expressions, as in Quarkus
                    .addSystemSources()
                    .withSources(new PropertiesConfigSource(properties, 100))
                    .withSources(new PropertiesConfigSource(overrides, "overrides", 400))
                    // Quarkus' own duration syntax (2ms, 5m), as the app reads it.
                    .withConverter(Duration.class, 200, new DurationConverter())
                    .withMapping(DigitflowConfig.class)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code digitflow.*} settings of {@link #of}. */
    public static DigitflowConfig digitflow(Map<String, String> overrides) {
        return of(overrides).getConfigMapping(DigitflowConfig.class);
    }
}
