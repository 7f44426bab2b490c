package ai.hubbatch.model.image;

/** A label with its score: one entry of a classification answer. */
public record LabelScore(String label, double score) {}
