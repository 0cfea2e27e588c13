/**
 * Start-up wiring of the serve command only: follow the models topic, load (or train) a model, then let the images stream poll; and the orderly stop. May use control, stream, registry and everything below.
 */
package io.digitflow.serve;
