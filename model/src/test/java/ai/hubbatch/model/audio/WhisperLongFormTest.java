package ai.hubbatch.model.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubbatch.model.source.ModelFolder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Long-form windows on the tiny Whisper's token ids, with the values transformers' {@code
 * _retrieve_segment} and {@code generate} arithmetic give (worked out from its source: no torch
 * here to run it).
 */
class WhisperLongFormTest {

  private static final ModelFolder MODEL =
      ModelFolder.open(Path.of("src/test/resources/tiny-models/tiny-whisper"));
  private static final long TS = 431;
  private static final long EOT = 419;
  private static final long HEL = 356;
  private static final long TE = 309;

  private static long ts(double seconds) {
    return TS + Math.round(seconds / 0.02);
  }

  @Test
  void aWindowEndingOnASingleTimestampMovesAWholeWindowOn() {
    WhisperLongForm longForm = WhisperLongForm.load(MODEL);
    WhisperLongForm.Window window = longForm.window(0, 6000);

    WhisperLongForm.Step step =
        longForm.step(window, new long[] {ts(0), HEL, ts(1.0), ts(1.0), TE, ts(2.5), EOT});

    assertEquals(new WhisperLongForm.Window(0, 3000, 0.0), window);
    List<WhisperLongForm.Segment> segments = step.segments();
    assertEquals(2, segments.size());
    assertEquals(0.0, segments.get(0).start());
    assertEquals(1.0, segments.get(0).end());
    assertArrayEquals(new long[] {ts(0), HEL, ts(1.0)}, segments.get(0).tokens());
    assertEquals(1.0, segments.get(1).start());
    assertEquals(2.5, segments.get(1).end());
    assertEquals(3000, step.nextSeek());
  }

  @Test
  void aWindowCutMidSegmentMovesOnToItsLastClosingTimestamp() {
    WhisperLongForm longForm = WhisperLongForm.load(MODEL);
    WhisperLongForm.Window window = longForm.window(3000, 6000);

    WhisperLongForm.Step step =
        longForm.step(window, new long[] {ts(0), HEL, ts(2.0), ts(2.0), TE, ts(4.0), ts(4.0), HEL});

    assertEquals(30.0, window.timeOffset());
    assertEquals(2, step.segments().size());
    assertEquals(32.0, step.segments().get(0).end());
    assertEquals(32.0, step.segments().get(1).start());
    assertEquals(34.0, step.segments().get(1).end());
    assertEquals(3400, step.nextSeek());
  }

  @Test
  void aWindowWithoutClosingTimestampIsOneSegment() {
    WhisperLongForm longForm = WhisperLongForm.load(MODEL);
    WhisperLongForm.Window window = longForm.window(3400, 5000);

    WhisperLongForm.Step step = longForm.step(window, new long[] {ts(0), HEL, TE, EOT});

    assertEquals(1600, window.frames());
    assertEquals(34.0, step.segments().get(0).start());
    assertEquals(34.0 + 16.0, step.segments().get(0).end());
    assertArrayEquals(new long[] {ts(0), HEL, TE}, step.segments().get(0).tokens());
    assertEquals(5000, step.nextSeek());
  }
}
