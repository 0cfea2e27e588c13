/**
 * The web console served at {@code /} on the HTTP port: the live stream (sampled predictions, counters,
 * dead letters), "try it" (a drawn or dropped picture sent through the images topic and its prediction
 * shown when it is on the predictions topic), the models and their events, and operator actions that go
 * through the control topic like the CLI's. A top-floor package beside {@code cli}: it may use every
 * package below and nothing imports it.
 */
package io.digitflow.web;
