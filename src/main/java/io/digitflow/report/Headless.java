package io.digitflow.report;

/**
 * Puts AWT in headless mode before anything in this package touches it.
 *
 * <p>Why in code and not only on the command line: AWT decides once, when {@code Font},
 * {@code Toolkit} or {@code GraphicsEnvironment} first initialise, whether it talks to a display.
 * If {@code DISPLAY} is set but unreachable (a stale ssh -X session, a CI runner) it then fails
 * with "Can't connect to X11 window server" while drawing a PNG; on macOS it opens a Dock icon
 * and steals focus from the terminal. We only ever draw into images, so no display is wanted.
 * Every renderer calls {@link #ensure()} from the first line of its static initialiser, which
 * runs before any of its AWT or JFreeChart fields are created. A value the user set is kept.
 */
final class Headless {

    private static final String PROPERTY = "java.awt.headless";

    private Headless() {
    }

    static void ensure() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "true");
        }
    }
}
