package io.digitflow.stream;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The label join's index against the map it replaced: a ring written over and over with keys that repeat and
 * collide, each step checked key by key against a {@code HashMap<String, Integer>} kept the old way.
 */
class SlotIndexTest {

    @Test
    void findsWhatAHashMapFindsThroughManyLapsOfTheRing() {
        for (int capacity : new int[]{1, 2, 7, 64, 1000}) {
            Random random = new Random(capacity);
            String[] ring = new String[capacity];
            SlotIndex index = new SlotIndex(ring);
            Map<String, Integer> reference = new HashMap<>();
            int next = 0;
            int keySpace = capacity * 3;
            for (int step = 0; step < capacity * 20 + 100; step++) {
                // Few distinct hash codes among many keys: long probe runs, and deletions inside them.
                String key = random.nextInt(8) == 0 ? collider(random.nextInt(keySpace)) : "k" + random.nextInt(keySpace);
                String old = ring[next];
                if (old != null) {
                    if (reference.get(old) == next) {
                        reference.remove(old);
                    }
                    index.removeIfAt(old, next);
                }
                ring[next] = key;
                reference.put(key, next);
                index.put(key, next);
                next = next + 1 == capacity ? 0 : next + 1;
                String probe = random.nextBoolean() ? key : "k" + random.nextInt(keySpace);
                assertThat(index.get(probe)).as("capacity %d, step %d, key %s", capacity, step, probe)
                        .isEqualTo(reference.getOrDefault(probe, -1));
            }
            for (int k = 0; k < keySpace; k++) {
                assertThat(index.get("k" + k)).isEqualTo(reference.getOrDefault("k" + k, -1));
                assertThat(index.get(collider(k))).isEqualTo(reference.getOrDefault(collider(k), -1));
            }
        }
    }

    @Test
    void aNewerSlotOfTheSameKeySurvivesTheOlderSlotsTurn() {
        String[] ring = new String[3];
        SlotIndex index = new SlotIndex(ring);
        ring[0] = "a";
        index.put("a", 0);
        ring[1] = "a";
        index.put("a", 1);
        index.removeIfAt("a", 0); // the ring comes back to slot 0
        assertThat(index.get("a")).isEqualTo(1);
        index.removeIfAt("a", 1);
        assertThat(index.get("a")).isEqualTo(-1);
    }

    /** Distinct keys that share one of 4 hash codes ("Aa" and "BB" hash alike). */
    private static String collider(int n) {
        StringBuilder key = new StringBuilder("c").append(n % 4);
        for (int bit = 0; bit < 12; bit++) {
            key.append((n >> bit & 1) == 0 ? "Aa" : "BB");
        }
        return key.toString();
    }
}
