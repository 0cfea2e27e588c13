package io.digitflow.cli;

/** The Keras-style bar, "[=========>....]", shared by every command that shows progress. */
final class ProgressBars {

    private static final int WIDTH = 30;

    private ProgressBars() {
    }

    static String bar(long done, long total) {
        int filled = total <= 0 ? WIDTH : (int) (WIDTH * Math.min(done, total) / total);
        StringBuilder bar = new StringBuilder(WIDTH + 2).append('[');
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : '.');
        }
        return bar.append(']').toString();
    }
}
