/**
 * Every digitflow setting (DigitflowConfig, prefix digitflow) and its default. Imports nothing of the app: the packages that use a setting build their own types from it.
 */
package io.digitflow.config;
