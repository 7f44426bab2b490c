/**
 * The command line: <code>run</code>, <code>transform</code>, <code>serve</code> and <code>bench
 * </code>, their options and exit codes.
 */
package ai.hubbatch.cli;
