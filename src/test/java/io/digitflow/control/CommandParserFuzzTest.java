package io.digitflow.control;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Fuzzes control-command parsing from valid commands of every kind: a record becomes a runnable command
 * or a {@link CommandRejected} with a reason, never another exception. A few seconds in `mvn verify`;
 * the longer run is in the README.
 */
class CommandParserFuzzTest {

    private static final CommandParser PARSER = new CommandParser(50, 2048);
    private static final List<String> SEEDS = List.of(
            "{\"requestId\":\"r1\",\"command\":\"retrain\",\"epochs\":3,\"batchSize\":64,\"learningRate\":0.002,"
                    + "\"seed\":7,\"includeLabeled\":false}",
            "{\"requestId\":\"r2\",\"command\":\"promote\",\"version\":\"v20261128-140234\"}",
            "{\"requestId\":\"r3\",\"command\":\"rollback\"}",
            "{\"command\":\"status\"}",
            "{\"requestId\":\"r:5.x_y-z\",\"command\":\"cancel\"}");

    @FuzzTest(maxDuration = "5s")
    void parsesOrRejectsWithAReason(FuzzedDataProvider data) {
        String key = data.consumeBoolean() ? null : data.consumeString(120);
        byte[] value;
        if (data.consumeBoolean()) {
            value = data.consumeRemainingAsBytes();
        } else {
            StringBuilder json = new StringBuilder(SEEDS.get(data.consumeInt(0, SEEDS.size() - 1)));
            int edits = data.consumeInt(0, 6);
            for (int e = 0; e < edits && json.length() > 0; e++) {
                int at = data.consumeInt(0, json.length() - 1);
                switch (data.consumeInt(0, 2)) {
                    case 0 -> json.insert(at, data.consumeString(24));
                    case 1 -> json.delete(at, Math.min(json.length(), at + data.consumeInt(1, 16)));
                    default -> json.setCharAt(at, data.consumeChar());
                }
            }
            value = json.toString().getBytes(UTF_8);
        }
        try {
            ControlCommand command = PARSER.parse(key, value);
            if (command.requestId() == null || command.type() == null) {
                throw new AssertionError("accepted a command without id or type: " + command);
            }
            if (command.type() == ControlCommand.Type.RETRAIN && command.hyperparameters() == null) {
                throw new AssertionError("retrain without hyper-parameters: " + command);
            }
        } catch (CommandRejected rejected) {
            if (rejected.requestId() == null || rejected.getMessage() == null || rejected.getMessage().isBlank()) {
                throw new AssertionError("rejection without id or reason", rejected);
            }
        }
    }
}
