/**
 * The vision tasks ({@code image-classification}, {@code object-detection}, {@code
 * image-segmentation}, {@code zero-shot-image-classification}) and the stage that runs image
 * models: requests carry images (base64 in JSON, or a media record's bytes), which {@link
 * ai.hubbatch.model.image} decodes and processes as the Python toolkit does; {@link
 * ai.hubbatch.model.vision.VisionStage} batches the pixel tensors of one shape on ONNX Runtime; the
 * tasks post-process each image's outputs into the toolkit's answers. Supplied through {@link
 * ai.hubbatch.model.vision.VisionTasks}, a {@link ai.hubbatch.model.task.TaskProvider}.
 */
package ai.hubbatch.model.vision;
