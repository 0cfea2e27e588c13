/**
 * The seed network, the training loop and job, evaluation, the artifact (model.zip + model.json) and the local store of versions. May use inference, data, platform and config.
 */
package io.digitflow.model;
