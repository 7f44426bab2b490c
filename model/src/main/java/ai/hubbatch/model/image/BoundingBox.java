package ai.hubbatch.model.image;

/** A box in integer pixels of the upright original image, as the detection pipeline returns it. */
public record BoundingBox(int xmin, int ymin, int xmax, int ymax) {}
