package ai.hubbatch.model.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Format sniffing on the sample clips and the bad inputs. */
class AudioFormatTest {

  @ParameterizedTest
  @CsvSource({
    "speech-16k-s16.wav, WAV",
    "speech-16k-f32.wav, WAV",
    "speech-8k-mulaw.wav, WAV",
    "speech-16k.flac, FLAC",
    "speech-44k1.mp3, MP3",
    "speech-16k.ogg, OGG",
    "speech-48k.opus, OGG",
  })
  void clipsAreToldFromTheirFirstBytes(String clip, AudioFormat format) {
    byte[] head = Arrays.copyOf(AudioFixtures.clip(clip), AudioFormat.SNIFF_LENGTH);

    assertEquals(Optional.of(format), AudioFormat.sniff(head));
  }

  @ParameterizedTest
  @CsvSource({"not-audio.json", "empty.wav"})
  void otherBytesAreNoFormat(String name) {
    assertEquals(Optional.empty(), AudioFormat.sniff(AudioFixtures.bad(name)));
  }

  @ParameterizedTest
  @CsvSource({
    "audio/x-flac, FLAC",
    "audio/mpeg, MP3",
    "audio/wave, WAV",
    "audio/ogg; codecs=opus, OGG",
  })
  void contentTypesNameFormats(String type, AudioFormat format) {
    assertEquals(Optional.of(format), AudioFormat.forContentType(type));
  }

  @ParameterizedTest
  @CsvSource({"audio/x-audio", "application/octet-stream"})
  void anyAudioLeavesTheFormatToTheBytes(String type) {
    assertEquals(Optional.empty(), AudioFormat.forContentType(type));
  }
}
