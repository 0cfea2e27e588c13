/**
 * Pictures and terminal drawings of results: PNG charts (JFreeChart), digit grids, ASCII digits. May use model and the floors below.
 */
package io.digitflow.report;
