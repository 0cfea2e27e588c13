package io.digitflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.digitflow.control.CommandParser;
import io.digitflow.control.CommandRejected;
import io.digitflow.control.ControlEvent;
import io.digitflow.input.InvalidInputException;
import io.digitflow.input.Reason;
import io.digitflow.stream.DeadLetters;
import io.digitflow.stream.PredictionJson;
import io.digitflow.support.Schemas;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The payload contracts in docs/schemas agree with the code that writes or reads each payload, and can fail.
 * What the running service emits is checked as well, where tests read it back: predictions in
 * StreamEndToEndTest, dead letters in DeadLetterEndToEndTest, events in every test that uses ControlClient.
 */
class PayloadSchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void predictionsAsWrittenConformAndBrokenOnesDoNot() throws Exception {
        float[] probabilities = {1.0E-5f, 2.1E-6f, 3.4E-4f, 0.00135f, 1.7E-6f, 2.0E-5f, 1.1E-7f, 0.99809f, 1.2E-5f, 1.8E-4f};
        PredictionJson json = new PredictionJson();
        byte[] written = json.write("abc", 7, probabilities, 0, "v20261128-140234", 2, 1234, 4.25);
        Schemas.assertValid(Schemas.PREDICTION, written);
        Schemas.assertValid(Schemas.PREDICTION, json.write(null, 7, probabilities, 0, "constant", 0, 0, 0));

        ObjectNode broken = (ObjectNode) JSON.readTree(written);
        broken.put("digit", 10);
        assertThat(Schemas.problems(Schemas.PREDICTION, broken)).isNotEmpty();
        ObjectNode nine = (ObjectNode) JSON.readTree(written);
        nine.withArray("probabilities").remove(9);
        assertThat(Schemas.problems(Schemas.PREDICTION, nine)).isNotEmpty();
        ObjectNode extra = (ObjectNode) JSON.readTree(written);
        extra.put("label", 7);
        assertThat(Schemas.problems(Schemas.PREDICTION, extra)).isNotEmpty();
    }

    @Test
    void deadLetterReasonCodesAreExactlyTheReasons() throws Exception {
        JsonNode codes = JSON.readTree(Schemas.file(Schemas.DEAD_LETTER_HEADERS).toFile())
                .path("properties").path("dead-letter-reason-code").path("enum");
        Set<String> inSchema = new TreeSet<>();
        codes.forEach(code -> inSchema.add(code.asText()));
        assertThat(inSchema).isEqualTo(Arrays.stream(Reason.values()).map(Reason::code)
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void deadLettersWholeAndBoundedConform() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("correlation-id", "c-1".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, byte[]> input = new ConsumerRecord<>("digits.images", 2, 41L, 0L, TimestampType.CREATE_TIME,
                5, 783, "key-1", new byte[783], headers, Optional.empty());
        InvalidInputException problem = new InvalidInputException(Reason.WRONG_LENGTH,
                "raw image must be exactly 784 bytes, got 783");

        ProducerRecord<String, byte[]> whole = DeadLetters.of(input, "digits.images.dlq", problem);
        Schemas.assertValid(Schemas.DEAD_LETTER_HEADERS, Schemas.headers(whole.headers()));
        ProducerRecord<String, byte[]> bounded = DeadLetters.bounded(input, "digits.images.dlq", problem, 100, 65_536);
        JsonNode boundedHeaders = Schemas.headers(bounded.headers());
        Schemas.assertValid(Schemas.DEAD_LETTER_HEADERS, boundedHeaders);
        assertThat(boundedHeaders.has(DeadLetters.ORIGINAL_SIZE)).isTrue();

        ObjectNode unknownReason = (ObjectNode) Schemas.headers(whole.headers());
        unknownReason.put(DeadLetters.REASON_CODE, "no-such-reason");
        assertThat(Schemas.problems(Schemas.DEAD_LETTER_HEADERS, unknownReason)).isNotEmpty();
    }

    /** The schema accepts a command exactly when the service's parser does (within the default training bounds). */
    @Test
    void theCommandSchemaAgreesWithTheParser() {
        CommandParser parser = new CommandParser(50, 60_000);
        Map<String, Boolean> examples = new LinkedHashMap<>();
        for (String command : List.of(
                "{\"requestId\":\"r1\",\"command\":\"retrain\"}",
                "{\"requestId\":\"r1\",\"command\":\"retrain\",\"epochs\":2,\"batchSize\":128,\"learningRate\":0.001,\"seed\":42,\"includeLabeled\":false}",
                "{\"requestId\":\"r-2.x:y\",\"command\":\"promote\",\"version\":\"v20261128-140234\"}",
                "{\"requestId\":\"r3\",\"command\":\"rollback\"}",
                "{\"requestId\":\"r4\",\"command\":\"status\"}",
                "{\"requestId\":\"r5\",\"command\":\"cancel\"}",
                "{\"requestId\":\"r6\",\"command\":\"promote\"}",
                "{\"requestId\":\"r7\",\"command\":\"retrain\",\"epochs\":0}",
                "{\"requestId\":\"r8\",\"command\":\"retrain\",\"learningRate\":0}",
                "{\"requestId\":\"r9\",\"command\":\"retrain\",\"epochs\":1.5}",
                "{\"requestId\":\"r10\",\"command\":\"retrain\",\"includeLabeled\":\"yes\"}",
                "{\"requestId\":\"r11\",\"command\":\"explode\"}",
                "{\"requestId\":\"r12\",\"command\":\"status\",\"force\":true}",
                "{\"requestId\":\"white space\",\"command\":\"status\"}",
                "{\"command\":\"status\"}",
                "{\"requestId\":\"r13\",\"command\":\"promote\",\"version\":\"../../etc\"}",
                "{\"requestId\":\"r14\"}",
                "{\"requestId\":\"r15\",\"command\":\"shadow\",\"version\":\"v20261204-080000\"}",
                "{\"requestId\":\"r16\",\"command\":\"shadow\",\"version\":\"off\"}",
                "{\"requestId\":\"r17\",\"command\":\"shadow\"}",
                "{\"requestId\":\"r18\",\"command\":\"canary\",\"version\":\"v2\",\"percent\":20}",
                "{\"requestId\":\"r19\",\"command\":\"canary\",\"version\":\"v2\"}",
                "{\"requestId\":\"r20\",\"command\":\"canary\",\"version\":\"v2\",\"percent\":100}",
                "{\"requestId\":\"r21\",\"command\":\"canary\",\"version\":\"off\"}",
                "{\"requestId\":\"r22\",\"command\":\"shadow\",\"version\":\"v2\",\"percent\":5}",
                "{\"requestId\":\"r23\",\"command\":\"retrain\",\"promote\":false}",
                "{\"requestId\":\"r24\",\"command\":\"status\",\"promote\":false}",
                "{\"requestId\":\"r25\",\"command\":\"retrain\",\"promote\":\"no\"}")) {
            boolean parsed;
            try {
                parser.parse(null, command.getBytes(StandardCharsets.UTF_8));
                parsed = true;
            } catch (CommandRejected e) {
                parsed = false;
            }
            examples.put(command, parsed);
        }
        assertThat(examples).containsValue(true).containsValue(false);
        examples.forEach((command, parsed) -> assertThat(Schemas.problems(Schemas.CONTROL_COMMAND,
                command.getBytes(StandardCharsets.UTF_8)).isEmpty()).as(command).isEqualTo(parsed));
    }

    @Test
    void eventsAsWrittenConform() throws Exception {
        ControlEvent event = ControlEvent.of("r1", "retrain", ControlEvent.DONE, "promoted v2",
                Map.of("testAccuracy", 0.981, "version", "v2"));
        Schemas.assertValid(Schemas.EVENT, JSON.writeValueAsBytes(event));
        Schemas.assertValid(Schemas.EVENT, JSON.writeValueAsBytes(
                ControlEvent.of("unidentified", null, ControlEvent.REJECTED, "not JSON", null)));
        ObjectNode wrongStatus = (ObjectNode) JSON.readTree(JSON.writeValueAsBytes(event));
        wrongStatus.put("status", "finished");
        assertThat(Schemas.problems(Schemas.EVENT, wrongStatus)).isNotEmpty();
        ObjectNode badTime = (ObjectNode) JSON.readTree(JSON.writeValueAsBytes(event));
        badTime.put("at", "yesterday");
        assertThat(Schemas.problems(Schemas.EVENT, badTime)).as("format date-time asserted").isNotEmpty();
    }
}
