package io.digitflow.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.digitflow.model.Hyperparameters;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a control record: JSON such as {@code {"requestId":"r1","command":"retrain","epochs":1}}.
 * Everything a command may carry is checked here, so the handler only ever sees runnable commands.
 */
public final class CommandParser {

    /** The request id used for events about records that name none. */
    public static final String UNIDENTIFIED = "unidentified";
    /** Control records are small; anything larger is refused before parsing. */
    static final int MAX_RECORD_BYTES = 4096;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> FIELDS = Set.of("requestId", "command", "epochs", "batchSize", "learningRate",
            "seed", "includeLabeled", "version", "promote", "percent");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMMANDS = "retrain, promote, rollback, status, cancel, shadow or canary";

    private final int maxEpochs;
    private final int maxBatchSize;

    public CommandParser(int maxEpochs, int maxBatchSize) {
        this.maxEpochs = maxEpochs;
        this.maxBatchSize = maxBatchSize;
    }

    /** The request id of a record: its {@code requestId} field, else the record key; null when neither is usable. */
    public static String requestId(String key, byte[] value) {
        try {
            if (value != null && value.length <= MAX_RECORD_BYTES) {
                JsonNode id = JSON.readTree(value).path("requestId");
                if (id.isTextual() && ID.matcher(id.asText()).matches()) {
                    return id.asText();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not JSON: the key is all there is.
        }
        return key != null && ID.matcher(key).matches() ? key : null;
    }

    public ControlCommand parse(String key, byte[] value) throws CommandRejected {
        String id = Optional.ofNullable(requestId(key, value)).orElse(UNIDENTIFIED);
        if (value == null || value.length == 0) {
            throw new CommandRejected(id, null, "empty command record");
        }
        if (value.length > MAX_RECORD_BYTES) {
            throw new CommandRejected(id, null, "command record is " + value.length + " bytes, more than " + MAX_RECORD_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(new String(value, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new CommandRejected(id, null, "not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CommandRejected(id, null, "a command must be a JSON object");
        }
        JsonNode name = root.path("command");
        String command = name.isTextual() ? name.asText() : null;
        if (id.equals(UNIDENTIFIED)) {
            throw new CommandRejected(id, command, "no usable request id: give \"requestId\" (1-100 of A-Z a-z 0-9 . _ : -)");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new CommandRejected(id, command, "unknown field \"" + field + "\"");
            }
        }
        ControlCommand.Type type = type(id, command);
        Optional<String> version = version(id, command, root.path("version"));
        if ((type == ControlCommand.Type.SHADOW || type == ControlCommand.Type.CANARY) && version.isEmpty()) {
            throw new CommandRejected(id, command, command + " needs a \"version\" (or \"off\")");
        }
        JsonNode promote = root.path("promote");
        if (!promote.isMissingNode() && (!promote.isBoolean() || type != ControlCommand.Type.RETRAIN)) {
            throw new CommandRejected(id, command, "\"promote\" is true or false, and only for retrain");
        }
        int percent = 0;
        JsonNode share = root.path("percent");
        if (type == ControlCommand.Type.CANARY && !version.orElse("").equals(ControlCommand.OFF)) {
            if (!share.isIntegralNumber() || share.asInt() < 1 || share.asInt() > 99) {
                throw new CommandRejected(id, command, "canary needs \"percent\", an integer from 1 to 99, got "
                        + (share.isMissingNode() ? "none" : share));
            }
            percent = share.asInt();
        } else if (!share.isMissingNode()) {
            throw new CommandRejected(id, command, "\"percent\" is only for canary");
        }
        Hyperparameters hp = type == ControlCommand.Type.RETRAIN ? hyperparameters(id, root) : null;
        JsonNode labeled = root.path("includeLabeled");
        if (!labeled.isMissingNode() && !labeled.isBoolean()) {
            throw new CommandRejected(id, command, "\"includeLabeled\" must be true or false");
        }
        return new ControlCommand(id, type, hp, labeled.asBoolean(true), version, promote.asBoolean(true), percent);
    }

    private static ControlCommand.Type type(String id, String command) throws CommandRejected {
        if (command == null) {
            throw new CommandRejected(id, null, "missing \"command\" (" + COMMANDS + ")");
        }
        for (ControlCommand.Type type : ControlCommand.Type.values()) {
            if (type.json().equals(command)) {
                return type;
            }
        }
        throw new CommandRejected(id, command, "unknown command \"" + command + "\" (" + COMMANDS + ")");
    }

    private static Optional<String> version(String id, String command, JsonNode node) throws CommandRejected {
        if (node.isMissingNode()) {
            return Optional.empty();
        }
        if (!node.isTextual() || !VERSION.matcher(node.asText()).matches()) {
            throw new CommandRejected(id, command, "\"version\" must be a model version such as v20261128-140234");
        }
        return Optional.of(node.asText());
    }

    private Hyperparameters hyperparameters(String id, JsonNode root) throws CommandRejected {
        int epochs = (int) integer(id, root, "epochs", Hyperparameters.DEFAULT_EPOCHS, 1, maxEpochs);
        int batch = (int) integer(id, root, "batchSize", Hyperparameters.DEFAULT_BATCH_SIZE, 1, maxBatchSize);
        long seed = integer(id, root, "seed", Hyperparameters.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
        JsonNode lr = root.path("learningRate");
        double learningRate = Hyperparameters.DEFAULT_LEARNING_RATE;
        if (!lr.isMissingNode()) {
            // Above 1 RMSprop diverges at once; the bound also catches a percentage typed by mistake.
            if (!lr.isNumber() || !(lr.asDouble() > 0 && lr.asDouble() <= 1)) {
                throw new CommandRejected(id, "retrain", "\"learningRate\" must be a number in (0, 1], got " + lr);
            }
            learningRate = lr.asDouble();
        }
        return new Hyperparameters(epochs, batch, learningRate, Hyperparameters.DEFAULT_RHO,
                Hyperparameters.DEFAULT_EPSILON, seed);
    }

    private static long integer(String id, JsonNode root, String field, long fallback, long min, long max)
            throws CommandRejected {
        JsonNode node = root.path(field);
        if (node.isMissingNode()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            throw new CommandRejected(id, "retrain", "\"" + field + "\" must be an integer"
                    + (min == Long.MIN_VALUE ? "" : " from " + min + " to " + max) + ", got " + node);
        }
        return node.asLong();
    }
}
