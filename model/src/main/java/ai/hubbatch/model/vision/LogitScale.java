package ai.hubbatch.model.vision;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CLIP's learned temperature, {@code logit_scale}, read from the model's safetensors weights: the
 * one number that turns the towers' cosine similarities into the logits the merged graph gives. The
 * split ONNX towers do not carry it, and the config's {@code logit_scale_init_value} is the value
 * before training, not the model's.
 */
final class LogitScale {

  private static final String TENSOR = "logit_scale";
  private static final long MAX_HEADER = 100L << 20;

  private LogitScale() {}

  /**
   * {@code exp(logit_scale)}, the factor of the logits, from {@code model.safetensors} (or the
   * shard that {@code model.safetensors.index.json} names); empty when the folder has neither.
   *
   * @throws IOException if the file cannot be read or has no scalar {@code logit_scale}
   */
  static Optional<Double> read(ModelFolder folder) throws IOException {
    Optional<Path> file = folder.file("model.safetensors");
    if (file.isEmpty()) {
      JsonNode shard = folder.json("model.safetensors.index.json").path("weight_map").path(TENSOR);
      if (shard.isTextual()) {
        file = folder.file(shard.asText());
      }
    }
    if (file.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Math.exp(scalar(file.get())));
  }

  /** The scalar {@code logit_scale} of a safetensors file: an 8-byte header size, JSON, data. */
  private static double scalar(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file)) {
      ByteBuffer size = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      channel.read(size, 0);
      long headerSize = size.flip().getLong();
      if (headerSize <= 0 || headerSize > MAX_HEADER) {
        throw new IOException(file + " is not a safetensors file");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerSize);
      channel.read(header, 8);
      JsonNode entry = Json.MAPPER.readTree(header.array()).path(TENSOR);
      long start = entry.path("data_offsets").path(0).asLong(-1);
      long end = entry.path("data_offsets").path(1).asLong(-1);
      String dtype = entry.path("dtype").asText("");
      if (start < 0 || end <= start || entry.path("shape").size() > 1) {
        throw new IOException(file + " has no scalar " + TENSOR);
      }
      ByteBuffer data = ByteBuffer.allocate((int) (end - start)).order(ByteOrder.LITTLE_ENDIAN);
      channel.read(data, 8 + headerSize + start);
      data.flip();
      return switch (dtype) {
        case "F32" -> data.getFloat();
        case "F64" -> data.getDouble();
        case "F16" -> half(data.getShort());
        case "BF16" -> Float.intBitsToFloat((data.getShort() & 0xFFFF) << 16);
        default -> throw new IOException(file + ": " + TENSOR + " has dtype " + dtype);
      };
    }
  }

  /** An IEEE half-precision value (Java 17 has no {@code Float.float16ToFloat}). */
  static float half(short value) {
    int bits = value & 0xFFFF;
    int sign = (bits >>> 15) << 31;
    int exponent = (bits >>> 10) & 0x1F;
    int mantissa = bits & 0x3FF;
    if (exponent == 0) {
      float subnormal = mantissa * 0x1p-24f;
      return sign == 0 ? subnormal : -subnormal;
    }
    if (exponent == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | mantissa << 13);
    }
    return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
  }
}
