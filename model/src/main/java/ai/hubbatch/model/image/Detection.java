package ai.hubbatch.model.image;

/** One detected object: its score, label and box, in the pipeline's field order. */
public record Detection(double score, String label, BoundingBox box) {}
