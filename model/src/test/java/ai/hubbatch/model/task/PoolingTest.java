package ai.hubbatch.model.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubbatch.model.source.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolingTest {

  // Two tokens of width 2: (1, 2) and (3, 6).
  private static final float[] TOKENS = {1, 2, 3, 6};

  @Test
  void poolsEachWay() {
    assertArrayEquals(
        new float[] {2, 4}, new Pooling(Pooling.Mode.MEAN, false).apply(TOKENS, 2, 2));
    assertArrayEquals(new float[] {1, 2}, new Pooling(Pooling.Mode.CLS, false).apply(TOKENS, 2, 2));
    assertArrayEquals(new float[] {3, 6}, new Pooling(Pooling.Mode.MAX, false).apply(TOKENS, 2, 2));
    assertArrayEquals(
        new float[] {3, 6}, new Pooling(Pooling.Mode.LAST_TOKEN, false).apply(TOKENS, 2, 2));
    float root2 = (float) Math.sqrt(2);
    assertArrayEquals(
        new float[] {4 / root2, 8 / root2},
        new Pooling(Pooling.Mode.MEAN_SQRT_LEN, false).apply(TOKENS, 2, 2),
        1e-6f);
  }

  @Test
  void normalisesToUnitLength() {
    float[] v = new Pooling(Pooling.Mode.MEAN, true).apply(TOKENS, 2, 2);
    assertArrayEquals(
        new float[] {(float) (2 / Math.sqrt(20)), (float) (4 / Math.sqrt(20))}, v, 1e-6f);
  }

  @Test
  void readsSentenceTransformersFiles(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("modules.json"),
        "[{\"path\":\"\",\"type\":\"sentence_transformers.models.Transformer\"},"
            + "{\"path\":\"1_Pooling\",\"type\":\"sentence_transformers.models.Pooling\"}]");
    Files.createDirectories(dir.resolve("1_Pooling"));
    Files.writeString(
        dir.resolve("1_Pooling/config.json"),
        "{\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": false}");
    assertEquals(new Pooling(Pooling.Mode.CLS, false), Pooling.of(ModelFolder.open(dir)));
  }

  @Test
  void defaultsToMeanAndNormaliseWithoutThoseFiles(@TempDir Path dir) {
    assertEquals(new Pooling(Pooling.Mode.MEAN, true), Pooling.of(ModelFolder.open(dir)));
  }
}
