package io.digitflow.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CommandParserTest {

    private final CommandParser parser = new CommandParser(50, 2048);

    private ControlCommand parse(String key, String json) throws CommandRejected {
        return parser.parse(key, json == null ? null : json.getBytes(UTF_8));
    }

    private CommandRejected rejected(String key, String json) {
        return catchThrowableOfType(CommandRejected.class, () -> parse(key, json));
    }

    @Test
    void retrainTakesItsParametersAndDefaultsTheRest() throws Exception {
        ControlCommand c = parse(null, "{\"requestId\":\"r1\",\"command\":\"retrain\",\"epochs\":3,\"learningRate\":0.002,"
                + "\"seed\":7,\"includeLabeled\":false}");
        assertThat(c.requestId()).isEqualTo("r1");
        assertThat(c.type()).isEqualTo(ControlCommand.Type.RETRAIN);
        assertThat(c.hyperparameters().epochs()).isEqualTo(3);
        assertThat(c.hyperparameters().batchSize()).isEqualTo(128);
        assertThat(c.hyperparameters().learningRate()).isEqualTo(0.002);
        assertThat(c.hyperparameters().seed()).isEqualTo(7);
        assertThat(c.includeLabeled()).isFalse();
    }

    @Test
    void theKeyIsTheRequestIdWhenTheJsonNamesNone() throws Exception {
        ControlCommand c = parse("k-9", "{\"command\":\"rollback\",\"version\":\"v20261128-140234\"}");
        assertThat(c.requestId()).isEqualTo("k-9");
        assertThat(c.version()).contains("v20261128-140234");
        assertThat(parse("k-10", "{\"command\":\"rollback\"}").version()).isEmpty();
    }

    @Test
    void experimentsNameTheirCandidateAndACanaryItsShare() throws Exception {
        ControlCommand canary = parse("c1", "{\"command\":\"canary\",\"version\":\"v2\",\"percent\":20}");
        assertThat(canary.type()).isEqualTo(ControlCommand.Type.CANARY);
        assertThat(canary.version()).contains("v2");
        assertThat(canary.percent()).isEqualTo(20);
        assertThat(parse("c2", "{\"command\":\"canary\",\"version\":\"off\"}").version()).contains(ControlCommand.OFF);
        assertThat(parse("s1", "{\"command\":\"shadow\",\"version\":\"v2\"}").type())
                .isEqualTo(ControlCommand.Type.SHADOW);
        assertThat(parse("p1", "{\"command\":\"promote\"}").version()).isEmpty();
        assertThat(parse("r1", "{\"command\":\"retrain\",\"promote\":false}").promote()).isFalse();
        assertThat(parse("r2", "{\"command\":\"retrain\"}").promote()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json at all | not JSON",
            "[1,2] | must be a JSON object",
            "{\"requestId\":\"x\"} | missing \"command\"",
            "{\"requestId\":\"x\",\"command\":\"explode\"} | unknown command \"explode\"",
            "{\"requestId\":\"x\",\"command\":\"retrain\",\"epochs\":0} | \"epochs\" must be an integer from 1 to 50, got 0",
            "{\"requestId\":\"x\",\"command\":\"retrain\",\"epochs\":51} | \"epochs\" must be an integer from 1 to 50, got 51",
            "{\"requestId\":\"x\",\"command\":\"retrain\",\"epochs\":2.5} | \"epochs\" must be an integer",
            "{\"requestId\":\"x\",\"command\":\"retrain\",\"epochs\":\"5\"} | \"epochs\" must be an integer",
            "{\"requestId\":\"x\",\"command\":\"retrain\",\"batchSize\":100000} | \"batchSize\" must be an integer from 1 to 2048",
            "{\"requestId\":\"x\",\"command\":\"retrain\",\"learningRate\":5} | \"learningRate\" must be a number in (0, 1]",
            "{\"requestId\":\"x\",\"command\":\"retrain\",\"learningRate\":-0.1} | \"learningRate\" must be a number in (0, 1]",
            "{\"requestId\":\"x\",\"command\":\"retrain\",\"includeLabeled\":\"yes\"} | \"includeLabeled\" must be true or false",
            "{\"requestId\":\"x\",\"command\":\"retrain\",\"epoch\":1} | unknown field \"epoch\"",
            "{\"requestId\":\"x\",\"command\":\"shadow\"} | shadow needs a \"version\" (or \"off\")",
            "{\"requestId\":\"x\",\"command\":\"canary\",\"version\":\"v2\"} | canary needs \"percent\", an integer from 1 to 99, got none",
            "{\"requestId\":\"x\",\"command\":\"canary\",\"version\":\"v2\",\"percent\":0} | an integer from 1 to 99, got 0",
            "{\"requestId\":\"x\",\"command\":\"canary\",\"version\":\"v2\",\"percent\":12.5} | an integer from 1 to 99, got 12.5",
            "{\"requestId\":\"x\",\"command\":\"shadow\",\"version\":\"v2\",\"percent\":5} | \"percent\" is only for canary",
            "{\"requestId\":\"x\",\"command\":\"promote\",\"promote\":true} | only for retrain",
            "{\"requestId\":\"x\",\"command\":\"promote\",\"version\":\"../../etc\"} | \"version\" must be a model version",
    })
    void malformedCommandsAreRejectedWithTheirReason(String json, String reason) {
        CommandRejected e = rejected("key", json);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains(reason);
        assertThat(e.requestId()).isIn("x", "key");
    }

    @Test
    void aCommandWithoutAnyUsableIdIsRejectedAsUnidentified() {
        CommandRejected e = rejected(null, "{\"command\":\"status\"}");
        assertThat(e.requestId()).isEqualTo(CommandParser.UNIDENTIFIED);
        assertThat(e.getMessage()).contains("no usable request id");
        assertThat(rejected("bad id with spaces", "{\"command\":\"status\"}").requestId())
                .isEqualTo(CommandParser.UNIDENTIFIED);
    }

    @Test
    void emptyAndOversizedRecordsAreRejectedBeforeParsing() {
        assertThat(rejected("e", null).getMessage()).isEqualTo("empty command record");
        String huge = "{\"requestId\":\"h\",\"command\":\"status\",\"pad\":\"" + "x".repeat(5000) + "\"}";
        CommandRejected e = rejected("h", huge);
        assertThat(e.getMessage()).contains("more than 4096");
        assertThat(e.requestId()).isEqualTo("h");
    }
}
