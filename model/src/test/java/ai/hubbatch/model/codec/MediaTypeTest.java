package ai.hubbatch.model.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one media-type table of batch records and serve bodies: the toolkit's decoders (spec A5) plus
 * JSON Lines, compared without parameters and case, with the charset applied.
 */
class MediaTypeTest {

  @Test
  void theTableIsTheToolkitsPlusJsonLines() {
    assertEquals(
        List.of(
            "image/jpeg",
            "image/png",
            "image/tiff",
            "image/bmp",
            "image/gif",
            "image/webp",
            "image/x-image"),
        MediaType.types(MediaType.Format.IMAGE));
    assertEquals(
        List.of("audio/x-flac", "audio/mpeg", "audio/wave", "audio/ogg", "audio/x-audio"),
        MediaType.types(MediaType.Format.AUDIO));
    assertEquals(
        List.of("application/jsonlines", "application/x-jsonlines", "application/jsonl"),
        MediaType.types(MediaType.Format.JSON_LINES));
    // names the toolkit refuses are refused here, so a record that works here works there
    for (String type : List.of("image/jpg", "audio/wav", "audio/flac", "text/plain")) {
      UnsupportedMediaTypeException e =
          assertThrows(UnsupportedMediaTypeException.class, () -> MediaType.contentType(type));
      assertEquals(type, e.value());
      assertTrue(e.getMessage().startsWith("Content type '" + type + "' is not supported: use "));
    }
  }

  @Test
  void parametersAndCaseAreReadNotCompared() {
    MediaType json = MediaType.contentType("Application/JSON; charset=ISO-8859-1");
    assertEquals("application/json", json.type());
    assertEquals(Optional.of(MediaType.Format.JSON), json.format());
    assertEquals("caf\u00e9", json.text("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1)));
    InvalidRequestException notUtf8 =
        assertThrows(
            InvalidRequestException.class,
            () ->
                MediaType.contentType("application/json")
                    .text("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals("'utf-8' codec can't decode byte 0xe9 in position 3", notUtf8.getMessage());
    IllegalArgumentException charset =
        assertThrows(
            IllegalArgumentException.class, () -> MediaType.parse("text/csv; charset=nope"));
    assertEquals("Unknown charset 'nope' in text/csv; charset=nope", charset.getMessage());
    assertTrue(MediaType.contentType("IMAGE/PNG").format().orElseThrow().binary());
  }

  @Test
  void acceptIsTextAndDefaultsToJson() {
    assertEquals(MediaType.JSON, MediaType.accept(null));
    assertEquals(MediaType.JSON, MediaType.accept(" "));
    assertEquals(MediaType.JSON, MediaType.accept("*/*"));
    assertEquals(MediaType.Format.CSV, MediaType.accept("text/csv").format().orElseThrow());
    assertEquals("application/jsonlines", MediaType.accept("application/jsonlines").value());
    for (String accept : List.of("image/png", "application/json, text/plain", "text/plain")) {
      UnsupportedMediaTypeException e =
          assertThrows(UnsupportedMediaTypeException.class, () -> MediaType.accept(accept));
      assertEquals(accept, e.value());
    }
  }
}
