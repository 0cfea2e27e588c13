package io.digitflow.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.Optional;

/**
 * The control-topic record of one command, as every sender (the CLI, the web console) writes it:
 * keyed by request id, the command as JSON, signed when a signature is given.
 */
public final class ControlRequests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlRequests() {
    }

    /** {@code command} must hold at least {@code "command"}; its {@code requestId} is set here. */
    public static ProducerRecord<String, byte[]> record(String topic, String requestId, ObjectNode command,
                                                        Optional<CommandSignature> signature) {
        command.put("requestId", requestId);
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(command);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, requestId, value);
        signature.ifPresent(s -> s.sign(requestId, value).forEach(record.headers()::add));
        return record;
    }
}
