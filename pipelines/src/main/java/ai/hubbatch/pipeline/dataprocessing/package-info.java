/**
 * SageMaker Batch Transform's data processing: content types, input and output filters, join source
 * and CSV.
 */
package ai.hubbatch.pipeline.dataprocessing;
