/**
 * <code>hubbatch serve</code>: the SageMaker inference container's HTTP server (<code>/ping</code>,
 * <code>/invocations</code>, <code>/execution-parameters</code>).
 */
package ai.hubbatch.serve;
