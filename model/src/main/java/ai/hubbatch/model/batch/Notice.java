package ai.hubbatch.model.batch;

/**
 * Something a job's user should know about an input that still got its answer: a prompt was
 * truncated to fit the model's context, say. Notices are counted by kind for the run summary and
 * logged.
 *
 * @param kind a short, stable description shared by every notice of its kind, which the summary
 *     counts under: {@code prompts truncated to fit the context}
 * @param message this input's details
 */
public record Notice(String kind, String message) {}
