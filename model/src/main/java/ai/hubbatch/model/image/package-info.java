/**
 * Images for the vision tasks, with the Python toolkit's numbers: decoding bytes to the upright RGB
 * raster Pillow gives ({@link ai.hubbatch.model.image.ImageDecoder}), Pillow's resampling ({@link
 * ai.hubbatch.model.image.PillowResize}), transformers' image processors read from {@code
 * preprocessor_config.json} ({@link ai.hubbatch.model.image.ImageProcessor}), and the pipelines'
 * post-processing over plain float arrays ({@link ai.hubbatch.model.image.ImageClassification},
 * {@link ai.hubbatch.model.image.ObjectDetection}, {@link
 * ai.hubbatch.model.image.SemanticSegmentation}, {@link
 * ai.hubbatch.model.image.ZeroShotImageClassification}). Nothing here depends on an engine.
 */
package ai.hubbatch.model.image;
