/**
 * MNIST: the IDX reader with full validation, a local folder or a checksum-verified download, splits. Uses nothing of the app.
 */
package io.digitflow.data;
