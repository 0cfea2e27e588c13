package io.digitflow.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts images (or records) handled, so JMH reports them per second ("items") beside the calls
 * per second of the primary score, whatever the batch size.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Items {

    public long items;

    @Setup(Level.Iteration)
    public void reset() {
        items = 0;
    }
}
