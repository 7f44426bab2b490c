package ai.hubbatch.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TasksTest {

  @Test
  void builtInTextTasksComeThroughTheServiceLoader() {
    assertTrue(Tasks.factory("sentiment-analysis") != null);
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> Tasks.factory("no-such-task"));
    assertTrue(
        unknown.getMessage().contains("fill-mask, image-classification, image-segmentation"),
        "text and vision tasks, listed in order: " + unknown.getMessage());
  }

  @Test
  void twoProvidersClaimingOneNameAreRefusedNamingBoth() {
    TaskProvider other = () -> Map.of("fill-mask", context -> null);
    IllegalStateException clash =
        assertThrows(
            IllegalStateException.class, () -> Tasks.load(List.of(new TextTasks(), other)));
    assertTrue(clash.getMessage().contains("'fill-mask'"), clash.getMessage());
    assertTrue(clash.getMessage().contains(TextTasks.class.getName()), clash.getMessage());
  }

  @Test
  void everyTextTaskIsProvided() {
    assertEquals(new TextTasks().tasks().keySet(), Tasks.load(List.of(new TextTasks())).keySet());
  }
}
