/**
 * Beam IO for batch-inference jobs: listing inputs, reading records in SageMaker's split types, and
 * writing one output per input plus the errors file.
 */
package ai.hubbatch.io;
