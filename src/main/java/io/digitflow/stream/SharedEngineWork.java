package io.digitflow.stream;

/**
 * Images waiting outside the stream (Open Inference requests) that may ride along in the stream's engine calls:
 * when an engine batch of the serving model has room, the inference thread takes whole requests that fit, classifies
 * them in the same call and hands each its probabilities. Whatever is not taken is classified by its own owner.
 */
public interface SharedEngineWork {

    /**
     * Whole requests waiting now of at most {@code room} images in all, for the serving model; null when none
     * (the common case: it must cost next to nothing then).
     */
    Taken take(int room);

    /** Requests taken for one engine call. */
    interface Taken {
        /** Their images, in order; {@code count()} of them. */
        byte[][] images();

        int count();

        /** Hands each request its share of {@code probabilities}, which hold ten per image from {@code offset}. */
        void complete(float[] probabilities, int offset, String version);

        /** The engine call failed: every request taken fails with it. */
        void fail(RuntimeException cause);
    }
}
