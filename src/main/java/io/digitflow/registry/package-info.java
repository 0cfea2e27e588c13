/**
 * A model's life on a replica: the models topic's records and active pointer, the publisher, the follower every replica runs, the serving model and its readiness; swaps are announced as CDI events (ModelSwap). May use model, inference, data, kafka, platform and config.
 */
package io.digitflow.registry;
