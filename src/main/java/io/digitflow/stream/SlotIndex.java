package io.digitflow.stream;

/**
 * Where each key of a ring lives: an open-addressing table (linear probing, at most half full) of ring slots,
 * the keys themselves read from the ring. Takes the place of a {@code HashMap<String, Integer>} on the record
 * path, which allocated a node and a boxed slot for every prediction. Not thread-safe.
 *
 * <p>The ring's owner keeps one rule: a slot's key changes only after the slot's entry, if the index points
 * to it, is removed ({@link #removeIfAt}).
 */
final class SlotIndex {

    private static final int EMPTY = 0;

    private final String[] ring;
    /** Ring slot + 1 per entry; {@link #EMPTY} for none. */
    private final int[] table;
    private final int mask;

    SlotIndex(String[] ring) {
        this.ring = ring;
        int size = Integer.highestOneBit(Math.max(1, ring.length) * 2 - 1) << 1;
        this.table = new int[Math.max(2, size)];
        this.mask = table.length - 1;
    }

    /** The slot holding {@code key}, -1 for none. */
    int get(String key) {
        for (int i = home(key), probes = 0; probes < table.length; i = (i + 1) & mask, probes++) {
            int entry = table[i];
            if (entry == EMPTY) {
                return -1;
            }
            if (ring[entry - 1].equals(key)) {
                return entry - 1;
            }
        }
        return -1;
    }

    /** Points {@code key} (the key of {@code slot} in the ring) at {@code slot}, replacing an older slot of it. */
    void put(String key, int slot) {
        for (int i = home(key), probes = 0; probes < table.length; i = (i + 1) & mask, probes++) {
            int entry = table[i];
            if (entry == EMPTY || ring[entry - 1].equals(key)) {
                table[i] = slot + 1;
                return;
            }
        }
        throw new IllegalStateException("slot index full: more keys than ring slots");
    }

    /** Removes {@code key}'s entry if it points at {@code slot} (a newer slot of the same key stays). */
    void removeIfAt(String key, int slot) {
        for (int i = home(key), probes = 0; probes < table.length; i = (i + 1) & mask, probes++) {
            int entry = table[i];
            if (entry == EMPTY) {
                return;
            }
            if (ring[entry - 1].equals(key)) {
                if (entry - 1 == slot) {
                    delete(i);
                }
                return;
            }
        }
    }

    /** Empties position {@code hole} and shifts back the entries after it whose probe would else pass it. */
    private void delete(int hole) {
        table[hole] = EMPTY;
        for (int j = (hole + 1) & mask; table[j] != EMPTY; j = (j + 1) & mask) {
            int home = home(ring[table[j] - 1]);
            // The entry at j may fill the hole when its home is not cyclically within (hole, j].
            boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays) {
                table[hole] = table[j];
                table[j] = EMPTY;
                hole = j;
            }
        }
    }

    private int home(String key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & mask;
    }
}
