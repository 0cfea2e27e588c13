package io.digitflow.kafka;

import java.nio.file.Path;

/** A second process for {@link ReplicaIdentityTest}: claims a slot of the home in args[0], prints its id, holds it until stdin closes. */
public final class ReplicaSlotHolder {

    private ReplicaSlotHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (ReplicaIdentity.Slot slot = ReplicaIdentity.claim(Path.of(args[0]), "testhost")) {
            System.out.println(slot.id());
            System.out.flush();
            while (System.in.read() >= 0) {
                // held until the parent closes our stdin
            }
        }
    }
}
