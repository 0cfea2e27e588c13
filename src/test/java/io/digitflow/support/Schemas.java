package io.digitflow.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The payload contracts of docs/schemas (JSON Schema 2020-12), checked against what the service emits: tests
 * that read predictions, dead letters or events pass each one through {@link #assertValid}.
 */
public final class Schemas {

    public static final String PREDICTION = "prediction";
    public static final String DEAD_LETTER_HEADERS = "dead-letter-headers";
    public static final String CONTROL_COMMAND = "control-command";
    public static final String EVENT = "event";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, JsonSchema> LOADED = new ConcurrentHashMap<>();

    private Schemas() {
    }

    public static Path file(String name) {
        return Path.of("docs", "schemas", name + ".schema.json");
    }

    public static JsonSchema schema(String name) {
        return LOADED.computeIfAbsent(name, n -> {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            try (InputStream in = Files.newInputStream(file(n))) {
                return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** What is wrong with {@code json} by schema {@code name}; empty when it conforms. */
    public static Set<ValidationMessage> problems(String name, JsonNode json) {
        return schema(name).validate(json);
    }

    public static Set<ValidationMessage> problems(String name, byte[] json) {
        try {
            return problems(name, JSON.readTree(json));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(json, StandardCharsets.UTF_8), e);
        }
    }

    public static void assertValid(String name, byte[] json) {
        assertThat(problems(name, json)).as("%s by docs/schemas/%s.schema.json",
                new String(json, StandardCharsets.UTF_8), name).isEmpty();
    }

    public static void assertValid(String name, JsonNode json) {
        assertThat(problems(name, json)).as("%s by docs/schemas/%s.schema.json", json, name).isEmpty();
    }

    /** Record headers as the object the dead-letter schema describes: name to UTF-8 value, the last one winning. */
    public static JsonNode headers(Headers headers) {
        var object = JSON.createObjectNode();
        for (Header header : headers) {
            if (header.value() != null) {
                object.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return object;
    }
}
