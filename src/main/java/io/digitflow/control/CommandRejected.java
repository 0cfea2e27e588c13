package io.digitflow.control;

/** A command that cannot be run, with the reason the rejection event carries. */
public final class CommandRejected extends Exception {

    private final String requestId;
    private final String command;

    public CommandRejected(String requestId, String command, String reason) {
        super(reason, null, false, false);
        this.requestId = requestId;
        this.command = command;
    }

    /** The request id the rejection is published under ("unidentified" when the command named none). */
    public String requestId() {
        return requestId;
    }

    /** The command as named in the record, or null when it could not be read. */
    public String command() {
        return command;
    }

    /** A reason to refuse a command found after parsing; the handler adds the request id. */
    public static final class Reason extends Exception {
        public Reason(String message) {
            super(message, null, false, false);
        }
    }
}
