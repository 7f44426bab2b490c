package ai.hubbatch.model.audio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The committed clips (samples/audio) and ffmpeg's reference PCM of each (test resources). */
final class AudioFixtures {

  static final Path CLIPS = Path.of("../samples/audio");
  static final Path RESOURCES = Path.of("src/test/resources/audio");

  private AudioFixtures() {}

  static byte[] clip(String name) {
    return read(CLIPS.resolve(name));
  }

  static byte[] bad(String name) {
    return read(RESOURCES.resolve("bad").resolve(name));
  }

  /** What {@code ffmpeg -i pipe:0 -ac 1 [-ar 16000] -f f32le pipe:1} wrote for the clip. */
  static float[] reference(String clip, String rate) {
    return resource("pcm/" + clip + "." + rate + ".f32.gz");
  }

  /** A gzipped little-endian float32 array under the audio test resources. */
  static float[] resource(String relative) {
    Path path = RESOURCES.resolve(relative);
    try (InputStream in = new GZIPInputStream(Files.newInputStream(path))) {
      ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
      float[] samples = new float[bytes.remaining() / 4];
      bytes.asFloatBuffer().get(samples);
      return samples;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean hasNativeReference(String clip) {
    return Files.exists(RESOURCES.resolve("pcm").resolve(clip + ".native.f32.gz"));
  }

  private static byte[] read(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
