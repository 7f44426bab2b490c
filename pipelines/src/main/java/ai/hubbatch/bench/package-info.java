/**
 * <code>hubbatch bench</code>: throughput and memory of the pipeline against the engine's own
 * ceiling, each engine in its own JVM.
 */
package ai.hubbatch.bench;
