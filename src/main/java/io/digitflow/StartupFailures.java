package io.digitflow;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns whatever stopped a start into one line: the cause, and the setting to change. */
final class StartupFailures {

    /** SmallRye Config names the property in its messages: "... config property digitflow.x ...". */
    private static final Pattern PROPERTY = Pattern.compile("(?:config property|property) ([A-Za-z0-9_.\\-\\[\\]\"]+)");
    private static final int MAX_CHARS = 1000;

    private StartupFailures() {
    }

    static String oneLine(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StartupFailure) {
                return flat(t.getMessage());
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (t.getClass().getName().contains("Config") || message.contains("SRCFG")) {
                Matcher m = PROPERTY.matcher(message);
                String setting = m.find() ? m.group(1) : "the setting named";
                return flat("bad setting: " + message) + " (change " + setting + ")";
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UserException) {
                return flat(t.getMessage());
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return flat(root.getClass().getSimpleName() + ": " + root.getMessage())
                + " (see the log above; docs/configuration.md lists the settings)";
    }

    /** One line, bounded: newlines and tabs become spaces. */
    private static String flat(String text) {
        String line = String.valueOf(text).replaceAll("\\s+", " ").trim();
        return line.length() <= MAX_CHARS ? line : line.substring(0, MAX_CHARS) + "…";
    }
}
