package io.digitflow.web;

/** A token bucket: {@code perSecond} tokens a second, bursts of at most that many. Thread-safe. */
final class RateLimit {

    private final int perSecond;
    private double tokens;
    private long last = System.nanoTime();

    RateLimit(int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("a rate limit of at least 1 a second, not " + perSecond);
        }
        this.perSecond = perSecond;
        this.tokens = perSecond;
    }

    synchronized boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(perSecond, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    int perSecond() {
        return perSecond;
    }
}
