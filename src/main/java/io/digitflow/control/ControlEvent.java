package io.digitflow.control;

import io.digitflow.kafka.Replica;
import java.time.Instant;
import java.util.Map;

/**
 * One outcome of a command, published to the events topic keyed by its request id. {@code status} is
 * one of accepted, progress, done, rejected, cancelled, failed; {@code replica} names the process
 * that handled the command.
 */
public record ControlEvent(String requestId, String command, String status, String message,
                           Map<String, Object> details, String replica, String at) {

    public static final String ACCEPTED = "accepted";
    public static final String PROGRESS = "progress";
    public static final String DONE = "done";
    public static final String REJECTED = "rejected";
    public static final String CANCELLED = "cancelled";
    public static final String FAILED = "failed";

    /** An event of this replica, now. */
    public static ControlEvent of(String requestId, String command, String status, String message,
                                  Map<String, Object> details) {
        return new ControlEvent(requestId, command, status, message, details, Replica.ID, Instant.now().toString());
    }

    /** True for the statuses that end a request: done, rejected, cancelled, failed. */
    public boolean isFinal() {
        return !status.equals(ACCEPTED) && !status.equals(PROGRESS);
    }
}
