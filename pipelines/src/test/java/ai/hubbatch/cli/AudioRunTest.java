package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubbatch run} over recordings: a folder of audio files with {@code audio/x-audio} is one
 * record per file and one {@code .out} per file; base64 recordings in JSON Lines; damaged files as
 * answers or errors that name them, never a crash. Transcripts are Python transformers' ({@code
 * reference.json}), labels transformers.js's ({@code expected.json}).
 */
class AudioRunTest {

  static final Path SAMPLES = Paths.get("../samples/audio").toAbsolutePath().normalize();
  static final Path BAD = Paths.get("../model/src/test/resources/audio/bad").toAbsolutePath();

  @TempDir Path dir;

  static String model(String name) {
    return TinyModels.folder(name).toString();
  }

  static List<String> clips() throws Exception {
    try (Stream<Path> files = Files.list(SAMPLES)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  private CliRun run(String task, String model, Path input, Path out, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "run",
                "--task",
                task,
                "--model",
                model(model),
                "--input",
                input.toString(),
                "--output",
                out.toString()));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void aFolderOfRecordingsGetsOneTranscriptPerFile() throws Exception {
    Path out = dir.resolve("out");
    CliRun run =
        run(
            "automatic-speech-recognition",
            "tiny-wav2vec2-ctc",
            Path.of(SAMPLES + "/"),
            out,
            "--content-type",
            "audio/x-audio");
    assertEquals(0, run.code(), run.err());
    assertEquals(15, clips().size());
    for (String clip : clips()) {
      List<String> lines = Files.readAllLines(out.resolve(clip + ".out"));
      assertEquals(1, lines.size(), clip);
      assertTrue(Json.MAPPER.readTree(lines.get(0)).has("text"), clip);
    }
    assertEquals("", Files.readString(out.resolve("_errors.jsonl")));
    JsonNode reference =
        Json.MAPPER.readTree(
            TinyModels.folder("tiny-wav2vec2-ctc").resolve("reference.json").toFile());
    int compared = 0;
    for (JsonNode item : reference.get("cases")) {
      if (item.get("options").isEmpty()) {
        String clip = item.get("clip").asText();
        assertEquals(
            item.get("output"),
            Json.MAPPER.readTree(Files.readString(out.resolve(clip + ".out"))),
            clip);
        compared++;
      }
    }
    assertEquals(6, compared);
  }

  @Test
  void aFolderOfRecordingsGetsTheirLabels() throws Exception {
    Path out = dir.resolve("out");
    CliRun run =
        run(
            "audio-classification",
            "tiny-wav2vec2-classifier",
            SAMPLES,
            out,
            "--content-type",
            "audio/x-audio");
    assertEquals(0, run.code(), run.err());
    for (JsonNode item : TinyModels.expected("tiny-wav2vec2-classifier").get("cases")) {
      String clip = item.get("clip").asText();
      JsonNode answer = Json.MAPPER.readTree(Files.readString(out.resolve(clip + ".out")));
      assertEquals(5, answer.size(), clip);
      for (int k = 0; k < 5; k++) {
        assertEquals(item.get("output").get(k).get("label"), answer.get(k).get("label"), clip);
        assertEquals(
            item.get("output").get(k).get("score").asDouble(),
            answer.get(k).get("score").asDouble(),
            1e-4,
            clip);
      }
    }
  }

  @Test
  void damagedFilesAreAnsweredOrNamedAsErrors() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    List<String> bad =
        List.of(
            "empty.wav",
            "truncated.flac",
            "garbage-frame.mp3",
            "lying-header.wav",
            "not-audio.json");
    for (String name : bad) {
      Files.copy(BAD.resolve(name), in.resolve(name));
    }
    Files.copy(SAMPLES.resolve("speech-16k-s16.wav"), in.resolve("good.wav"));
    Path out = dir.resolve("out");
    CliRun run =
        run(
            "automatic-speech-recognition",
            "tiny-wav2vec2-ctc",
            in,
            out,
            "--content-type",
            "audio/x-audio");
    assertEquals(Main.RECORDS_FAILED, run.code(), run.err());
    Map<String, String> reasons = new TreeMap<>();
    for (String line : Files.readAllLines(out.resolve("_errors.jsonl"))) {
      JsonNode error = Json.MAPPER.readTree(line);
      reasons.put(
          Paths.get(error.get("file").asText()).getFileName().toString(),
          error.get("reason").asText());
    }
    assertTrue(reasons.containsKey("empty.wav"), reasons.toString());
    assertTrue(reasons.containsKey("not-audio.json"), reasons.toString());
    for (String name : bad) {
      String output = Files.readString(out.resolve(name + ".out"));
      assertTrue(
          reasons.containsKey(name) ^ !output.isEmpty(),
          name + " is either answered or an error: " + reasons + " / " + output);
      if (!output.isEmpty()) {
        assertTrue(Json.MAPPER.readTree(output).has("text"), name);
      }
    }
    assertTrue(Files.readString(out.resolve("good.wav.out")).contains("\"text\""));
  }

  @Test
  void base64RecordingsInJsonLines() throws Exception {
    String clip =
        Base64.getEncoder().encodeToString(Files.readAllBytes(SAMPLES.resolve("speech-16k.ogg")));
    Path in = dir.resolve("clips.jsonl");
    Files.writeString(
        in,
        "{\"inputs\":\""
            + clip
            + "\",\"parameters\":{\"return_timestamps\":\"word\"}}\n"
            + "{\"inputs\":\"https://example.com/a.wav\"}\n");
    Path out = dir.resolve("out");
    CliRun run = run("automatic-speech-recognition", "tiny-wav2vec2-ctc", in, out);
    assertEquals(Main.RECORDS_FAILED, run.code(), run.err());
    JsonNode reference =
        Json.MAPPER.readTree(
            TinyModels.folder("tiny-wav2vec2-ctc").resolve("reference.json").toFile());
    JsonNode wanted = null;
    for (JsonNode item : reference.get("cases")) {
      if (item.get("clip").asText().equals("speech-16k.ogg")
          && item.get("options").path("return_timestamps").asText().equals("word")) {
        wanted = item.get("output");
      }
    }
    List<String> answers = Files.readAllLines(out.resolve("clips.jsonl.out"));
    assertEquals(wanted, Json.MAPPER.readTree(answers.get(0)));
    JsonNode error = Json.MAPPER.readTree(Files.readString(out.resolve("_errors.jsonl")));
    assertEquals(2, error.get("line").asInt());
    assertTrue(error.get("reason").asText().contains("is a URL"), error.toString());
  }

  @Test
  void aFolderOfRecordingsGetsOneWhisperTranscriptPerFile() throws Exception {
    Path out = dir.resolve("out");
    CliRun run =
        run(
            "automatic-speech-recognition",
            "tiny-whisper",
            SAMPLES,
            out,
            "--content-type",
            "audio/x-audio");
    assertEquals(0, run.code(), run.err());
    for (String clip : clips()) {
      List<String> lines = Files.readAllLines(out.resolve(clip + ".out"));
      assertEquals(1, lines.size(), clip);
      assertTrue(Json.MAPPER.readTree(lines.get(0)).has("text"), clip);
    }
    assertEquals("", Files.readString(out.resolve("_errors.jsonl")));
  }
}
