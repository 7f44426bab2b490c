/**
 * A sample of a model's own code: the {@code keyword-tagging} task, text-classification with the
 * keywords a record asks for tagged in its text. Built as a jar for the model's {@code code/}
 * folder; see this sample's README.
 */
package ai.hubbatch.samples.keywords;
