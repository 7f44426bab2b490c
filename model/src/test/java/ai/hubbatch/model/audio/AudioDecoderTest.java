package ai.hubbatch.model.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoder against the ffmpeg command line's PCM ({@code scripts/make-sample-audio.sh}). */
class AudioDecoderTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "speech-16k-s16.wav",
        "speech-16k-u8.wav",
        "speech-16k-s24.wav",
        "speech-16k-s32.wav",
        "speech-16k-f32.wav",
        "speech-16k-stereo.wav",
        "speech-16k.flac",
        "speech-long-16k.flac",
        "silence-16k.wav"
      })
  void losslessAtTheTargetRateGivesExactlyFfmpegsSamples(String clip) {
    float[] decoded = AudioDecoder.at(16000).decode(AudioFixtures.clip(clip));

    assertArrayEquals(AudioFixtures.reference(clip, "16000"), decoded);
  }

  @ParameterizedTest
  @ValueSource(strings = {"speech-44k1-s16.wav", "speech-48k-stereo.wav", "speech-8k-mulaw.wav"})
  void losslessAtItsOwnRateGivesExactlyFfmpegsSamples(String clip) {
    byte[] bytes = AudioFixtures.clip(clip);
    int rate;
    try (AudioStream stream = AudioDecoder.at(16000).open(bytes)) {
      rate = stream.sourceSampleRate();
    }

    float[] decoded = AudioDecoder.at(rate).decode(bytes);

    assertArrayEquals(AudioFixtures.reference(clip, "native"), decoded);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "speech-44k1-s16.wav",
        "speech-48k-stereo.wav",
        "speech-8k-mulaw.wav",
        "speech-44k1.mp3",
        "speech-16k.ogg",
        "speech-48k.opus"
      })
  void resampledOrLossyIsWithinAThousandthRmsOfFfmpegs(String clip) {
    float[] expected = AudioFixtures.reference(clip, "16000");

    float[] decoded = AudioDecoder.at(16000).decode(AudioFixtures.clip(clip));

    assertEquals(expected.length, decoded.length, "sample count");
    assertTrue(rms(expected, decoded) <= 1e-3, "RMS " + rms(expected, decoded));
  }

  @Test
  void streamReportsTheSourceFormat() {
    try (AudioStream stream =
        AudioDecoder.at(16000).open(AudioFixtures.clip("speech-48k-stereo.wav"))) {
      assertEquals(48000, stream.sourceSampleRate());
      assertEquals(2, stream.sourceChannels());
      assertEquals(Optional.of(AudioFormat.WAV), stream.format());
      assertEquals(16000, stream.sampleRate());
    }
  }

  @Test
  void windowsWithOverlapAreSlicesOfTheWholeDecode() {
    byte[] bytes = AudioFixtures.clip("speech-long-16k.flac");
    float[] whole = AudioFixtures.reference("speech-long-16k.flac", "16000");
    int length = 16000;
    int overlap = 4000;
    List<AudioWindow> windows = new ArrayList<>();

    try (AudioStream stream = AudioDecoder.at(16000).open(new ByteArrayInputStream(bytes))) {
      Iterator<AudioWindow> it = new SampleWindows(stream).fixed(length, overlap);
      it.forEachRemaining(windows::add);
    }

    int step = length - overlap;
    int expectedCount = (whole.length - overlap + step - 1) / step;
    assertEquals(expectedCount, windows.size());
    for (int i = 0; i < windows.size(); i++) {
      AudioWindow window = windows.get(i);
      int start = i * step;
      assertEquals(start, window.start());
      assertArrayEquals(
          Arrays.copyOfRange(whole, start, Math.min(whole.length, start + length)),
          window.samples());
      assertEquals(i == windows.size() - 1, window.last());
    }
  }

  @Test
  void emptyInputIsAnError() {
    AudioDecodingException error =
        assertThrows(
            AudioDecodingException.class,
            () -> AudioDecoder.at(16000).decode(AudioFixtures.bad("empty.wav")));
    assertEquals("the audio is empty (0 bytes)", error.getMessage());
  }

  @Test
  void bytesThatAreNotAudioAreAnError() {
    AudioDecodingException error =
        assertThrows(
            AudioDecodingException.class,
            () -> AudioDecoder.at(16000).decode(AudioFixtures.bad("not-audio.json")));
    assertTrue(error.getMessage().startsWith("not audio: "), error.getMessage());
    assertTrue(error.getMessage().contains("7b 22 74 65"), error.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"truncated.flac", "garbage-frame.mp3", "lying-header.wav"})
  void damagedFilesGiveWhatFfmpegDecodesOfThem(String name) {
    float[] decoded = AudioDecoder.at(16000).decode(AudioFixtures.bad(name));

    assertArrayEquals(AudioFixtures.reference("bad-" + name, "16000"), decoded);
  }

  @Test
  void aStalledInputStopsAtTheDeadline() {
    byte[] bytes = AudioFixtures.clip("speech-16k-s16.wav");
    InputStream trickle =
        new InputStream() {
          private int next;

          @Override
          public int read() {
            if (next == bytes.length) {
              return -1;
            }
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return bytes[next++] & 0xff;
          }

          @Override
          public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
              return 0;
            }
            int b = read();
            if (b < 0) {
              return -1;
            }
            buffer[offset] = (byte) b;
            return 1;
          }
        };
    AudioDecoder decoder = AudioDecoder.at(16000).withTimeout(Duration.ofMillis(300));

    AudioDecodingException error =
        assertThrows(
            AudioDecodingException.class,
            () -> {
              try (AudioStream stream = decoder.open(trickle)) {
                stream.readAll();
              }
            });
    assertTrue(error.getMessage().contains("deadline"), error.getMessage());
  }

  @Test
  void aFailingInputIsAnErrorNotAShortDecode() {
    byte[] bytes = AudioFixtures.clip("speech-long-16k.flac");
    InputStream failing =
        new InputStream() {
          private int next;

          @Override
          public int read() throws java.io.IOException {
            if (next == bytes.length / 2) {
              throw new java.io.IOException("connection reset");
            }
            return bytes[next++] & 0xff;
          }
        };

    AudioDecodingException error =
        assertThrows(
            AudioDecodingException.class,
            () -> {
              try (AudioStream stream = AudioDecoder.at(16000).open(failing)) {
                stream.readAll();
              }
            });
    assertTrue(error.getMessage().contains("connection reset"), error.getMessage());
  }

  static double rms(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sum += d * d;
    }
    return Math.sqrt(sum / a.length);
  }
}
