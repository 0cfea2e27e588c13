package io.digitflow;

/**
 * A reason {@code serve} cannot start that the operator fixes with a setting: Main prints it as one
 * line on stderr (the cause, then the setting to change) and exits with {@link #EXIT_STATUS}, whatever
 * state logging is in.
 */
public class StartupFailure extends UserException {

    /** The exit status of a start that failed. */
    public static final int EXIT_STATUS = 2;

    private final String setting;

    /**
     * @param cause   what is wrong, e.g. "port 9092 is taken"
     * @param setting the setting (or environment variable) to change, e.g. "digitflow.broker.port"
     */
    public StartupFailure(String cause, String setting) {
        this(cause, setting, null);
    }

    public StartupFailure(String cause, String setting, Throwable error) {
        super(cause + " (change " + setting + ")", error);
        this.setting = setting;
    }

    /** The setting to change. */
    public String setting() {
        return setting;
    }
}
