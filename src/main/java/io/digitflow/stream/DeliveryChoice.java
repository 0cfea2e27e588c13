package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.kafka.ReplicaIdentity;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the one {@link Delivery} of this process from its settings. */
@Dependent
class DeliveryChoice {

    @Produces
    @Singleton
    static Delivery delivery(DigitflowConfig config, ReplicaIdentity replica) {
        return Delivery.of(config, replica);
    }
}
