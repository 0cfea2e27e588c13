package io.digitflow.input;

/**
 * A record value that cannot become a digit image; carries a {@link Reason} and a message naming the problem.
 *
 * <p>Checked on purpose: the consumer must turn it into a dead letter, never let it stop the stream.
 * No stack trace is captured because the cause is the data, not the code, and a flood of bad records
 * should not cost a stack walk each.
 */
public final class InvalidInputException extends Exception {

    private final Reason reason;

    public InvalidInputException(Reason reason, String message) {
        this(reason, message, null);
    }

    public InvalidInputException(Reason reason, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
