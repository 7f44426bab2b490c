package ai.hubbatch.model.speech;

import ai.djl.Device;
import ai.hubbatch.model.audio.AudioDecoder;
import ai.hubbatch.model.audio.AudioStream;
import ai.hubbatch.model.audio.SampleWindows;
import ai.hubbatch.model.audio.WhisperFeatureExtractor;
import ai.hubbatch.model.audio.WhisperLogitsRules;
import ai.hubbatch.model.audio.WhisperLongForm;
import ai.hubbatch.model.audio.WhisperPrompt;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.decode.GenerationInput;
import ai.hubbatch.model.decode.GenerationOutput;
import ai.hubbatch.model.decode.GenerationStage;
import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.generate.LogitsHook;
import ai.hubbatch.model.stage.SizedLimits;
import ai.hubbatch.model.stage.Stage;
import ai.hubbatch.model.stage.StageResults;
import ai.hubbatch.model.stage.StageRunner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Whisper-style transcription as a stage over the generation loop: each recording streams in
 * 30-second windows ({@code input_features} of the model's log-mel extractor), and every
 * recording's current window is decoded by the {@link GenerationStage}'s continuous batching, with
 * the forced prompt ({@link WhisperPrompt}: start of transcript, language, task, timestamps) as the
 * decoder start and Whisper's logits rules ({@link WhisperLogitsRules}) as the generation's {@link
 * LogitsHook}. A recording of one window is transcribed as the pipeline transcribes it; a longer
 * one by transformers' sequential long-form decoding ({@link WhisperLongForm}: each window starts
 * where the last one's transcript ended), window after window, so only one window per recording is
 * ever in memory. A language left to the model is detected first from the first window, with one
 * generated token limited to the language tokens.
 *
 * <p>Recordings are transcribed in waves of twice the decoding slots, each holding one window's
 * samples while it is read. The output per recording is its token sequence as the pipeline decodes
 * it: the prompt, then every window's tokens, then end of text.
 */
final class WhisperStage implements Stage<WhisperRecording, long[]> {

  private static final String INPUT_FEATURES = "input_features";

  private final GenerationStage generation;
  private final WhisperFeatureExtractor extractor;
  private final WhisperPrompt prompt;
  private final WhisperLogitsRules rules;
  private final WhisperLongForm longForm;
  private final AudioDecoder decoder;
  private final long endOfText;
  private final int encoderPositions;
  private final int decoderPositions;

  WhisperStage(
      GenerationStage generation,
      WhisperFeatureExtractor extractor,
      WhisperPrompt prompt,
      WhisperLogitsRules rules,
      WhisperLongForm longForm,
      long endOfText,
      int encoderPositions,
      int decoderPositions) {
    this.generation = generation;
    this.extractor = extractor;
    this.prompt = prompt;
    this.rules = rules;
    this.longForm = longForm;
    this.decoder = AudioDecoder.at(extractor.samplingRate());
    this.endOfText = endOfText;
    this.encoderPositions = encoderPositions;
    this.decoderPositions = decoderPositions;
  }

  WhisperPrompt prompt() {
    return prompt;
  }

  /** The cache positions one window's generation may reserve: its tokens and the encoder's. */
  @Override
  public long cost(WhisperRecording input) {
    return (long) input.config().maxLength(4) + encoderPositions;
  }

  @Override
  public String costUnit() {
    return generation.costUnit();
  }

  @Override
  public Device device() {
    return generation.device();
  }

  @Override
  public String describe() {
    return generation.describe() + ", Whisper windows of " + extractor.windowSamples() + " samples";
  }

  @Override
  public SizedLimits defaultLimits() {
    return generation.defaultLimits();
  }

  /**
   * A few waves' worth of recordings: each recording waiting in a runner holds its encoded bytes,
   * and each one being transcribed a window of samples.
   */
  @Override
  public long gatherCost(BatchLimits limits) {
    return WAVES_GATHERED * wave(limits) * (long) (decoderPositions + encoderPositions);
  }

  /** Recordings transcribed together: twice the decoding slots, so slots refill as rows end. */
  private static int wave(BatchLimits limits) {
    return Math.max(1, 2 * limits.maxItems());
  }

  private static final int WAVES_GATHERED = 2;

  @Override
  public StageRunner<WhisperRecording, long[]> open(
      BatchLimits limits, InferenceListener listener) {
    StageRunner<GenerationInput, GenerationOutput> runner = generation.open(limits, listener);
    return new StageRunner<>() {
      @Override
      public void run(List<WhisperRecording> inputs, StageResults<long[]> results) {
        // in waves, so the windows in memory are bounded by the slots, not by the inputs
        int wave = wave(limits);
        for (int from = 0; from < inputs.size(); from += wave) {
          int offset = from;
          List<WhisperRecording> part = inputs.subList(from, Math.min(inputs.size(), from + wave));
          new Run(
                  runner,
                  new StageResults<>() {
                    @Override
                    public void deliver(int index, long[] output) {
                      results.deliver(offset + index, output);
                    }

                    @Override
                    public void fail(int index, String reason) {
                      results.fail(offset + index, reason);
                    }
                  })
              .run(part);
        }
      }

      @Override
      public void close() {
        runner.close();
      }
    };
  }

  /** One recording being transcribed. */
  private final class Open {
    final int index;
    final WhisperRecording input;
    AudioStream stream;
    SampleWindows windows;
    long[] prompt;
    boolean longForm;
    long seek;
    final List<Long> tokens = new ArrayList<>();
    boolean done;

    Open(int index, WhisperRecording input) {
      this.index = index;
      this.input = input;
    }
  }

  /** One runner call. */
  private final class Run {
    private final StageRunner<GenerationInput, GenerationOutput> runner;
    private final StageResults<long[]> results;

    Run(StageRunner<GenerationInput, GenerationOutput> runner, StageResults<long[]> results) {
      this.runner = runner;
      this.results = results;
    }

    void run(List<WhisperRecording> inputs) {
      List<Open> open = new ArrayList<>();
      try {
        for (int i = 0; i < inputs.size(); i++) {
          Open recording = new Open(i, inputs.get(i));
          open.add(recording);
          try {
            recording.stream = decoder.open(recording.input.bytes());
            recording.windows = new SampleWindows(recording.stream);
            if (recording.windows.atEnd()) {
              fail(recording, "the recording has no audio samples");
            }
            recording.longForm = !recording.windows.endsWithin(extractor.windowSamples());
          } catch (RuntimeException e) {
            fail(recording, reason(e));
          }
        }
        prompts(open);
        List<Open> active = open.stream().filter(r -> !r.done).toList();
        while (!active.isEmpty()) {
          windows(active);
          active = active.stream().filter(r -> !r.done).toList();
        }
      } finally {
        for (Open recording : open) {
          if (recording.stream != null) {
            recording.stream.close();
          }
        }
      }
    }

    /** Each recording's prompt; languages left to the model are detected in one generation. */
    private void prompts(List<Open> open) {
      List<Open> detecting = new ArrayList<>();
      List<GenerationInput> detections = new ArrayList<>();
      for (Open recording : open) {
        if (recording.done) {
          continue;
        }
        WhisperRecording input = recording.input;
        if (prompt.detectsLanguage(input.language(), input.task())) {
          long start = prompt.tokens(null, null, false, () -> -1L)[0];
          float[] features = features(recording);
          if (features == null) {
            continue;
          }
          LogitsHook language =
              (sequence, length, logits) -> {
                long detected = prompt.detectedLanguage(logits);
                float best = logits[(int) detected];
                Arrays.fill(logits, Float.NEGATIVE_INFINITY);
                logits[(int) detected] = best;
              };
          detecting.add(recording);
          detections.add(
              new GenerationInput(
                  new int[] {(int) start},
                  Map.of(INPUT_FEATURES, featureTensor(features)),
                  encoderPositions,
                  input.config().withMaxNewTokens(1).validated(),
                  0,
                  null,
                  language));
        } else {
          recording.prompt = tokens(recording, -1);
        }
      }
      generate(
          detecting,
          detections,
          (recording, generated) -> recording.prompt = tokens(recording, generated[0]));
    }

    private long[] tokens(Open recording, long detected) {
      WhisperRecording input = recording.input;
      try {
        return prompt.tokens(
            input.language(),
            input.task(),
            input.timestamps() || recording.longForm,
            () -> detected);
      } catch (IllegalArgumentException e) {
        fail(recording, e.getMessage());
        return null;
      }
    }

    /** Decodes every active recording's current window and moves each on. */
    private void windows(List<Open> active) {
      List<Open> decoding = new ArrayList<>();
      List<GenerationInput> inputs = new ArrayList<>();
      for (Open recording : active) {
        if (recording.done) {
          continue;
        }
        float[] features = features(recording);
        if (features == null) {
          continue;
        }
        long[] start = recording.prompt;
        int promptLength = start.length;
        boolean timestamps = recording.input.timestamps() || recording.longForm;
        LogitsHook hook =
            (sequence, length, logits) -> {
              long[] so = new long[length];
              for (int t = 0; t < length; t++) {
                so[t] = sequence[t];
              }
              rules.apply(logits, so, promptLength, timestamps);
            };
        decoding.add(recording);
        inputs.add(
            new GenerationInput(
                Arrays.stream(start).mapToInt(t -> (int) t).toArray(),
                Map.of(INPUT_FEATURES, featureTensor(features)),
                encoderPositions,
                recording.input.config(),
                0,
                null,
                hook));
      }
      generate(decoding, inputs, this::advance);
    }

    /** Takes one window's generated tokens: the transcript ends, or the next window is set. */
    private void advance(Open recording, long[] generated) {
      if (!recording.longForm) {
        for (long token : generated) {
          recording.tokens.add(token);
        }
        deliver(recording);
        return;
      }
      int hop = extractor.windowSamples() / longForm.segmentFrames();
      boolean last = recording.windows.endsWithin(extractor.windowSamples());
      long frames =
          last
              ? recording.windows.window(extractor.windowSamples()).length / hop
              : longForm.segmentFrames();
      long total = recording.seek + frames;
      WhisperLongForm.Window window = longForm.window(recording.seek, total);
      WhisperLongForm.Step step = longForm.step(window, generated);
      for (WhisperLongForm.Segment segment : step.segments()) {
        for (long token : segment.tokens()) {
          recording.tokens.add(token);
        }
      }
      long next = Math.max(step.nextSeek(), recording.seek + 1);
      recording.windows.advance((next - recording.seek) * hop);
      recording.seek = next;
      if (last && next >= total || recording.windows.atEnd()) {
        recording.tokens.add(endOfText);
        deliver(recording);
      }
    }

    private void deliver(Open recording) {
      long[] sequence = new long[recording.prompt.length + recording.tokens.size()];
      System.arraycopy(recording.prompt, 0, sequence, 0, recording.prompt.length);
      for (int i = 0; i < recording.tokens.size(); i++) {
        sequence[recording.prompt.length + i] = recording.tokens.get(i);
      }
      recording.done = true;
      results.deliver(recording.index, sequence);
    }

    /** The features of the recording's current window, or null when it failed to decode. */
    private float[] features(Open recording) {
      try {
        return extractor.extract(recording.windows.window(extractor.windowSamples()));
      } catch (RuntimeException e) {
        fail(recording, reason(e));
        return null;
      }
    }

    private HostTensor featureTensor(float[] features) {
      return HostTensor.ofFloats(features, 1, extractor.featureSize(), extractor.frames());
    }

    /** Runs generations; each recording whose generation fails fails. */
    private void generate(
        List<Open> recordings,
        List<GenerationInput> inputs,
        java.util.function.BiConsumer<Open, long[]> then) {
      if (inputs.isEmpty()) {
        return;
      }
      runner.run(
          inputs,
          new StageResults<>() {
            @Override
            public void deliver(int index, GenerationOutput output) {
              Open recording = recordings.get(index);
              int[] tokens = output.sequences().get(0).tokens();
              long[] generated = new long[tokens.length];
              for (int t = 0; t < tokens.length; t++) {
                generated[t] = tokens[t];
              }
              try {
                then.accept(recording, generated);
              } catch (RuntimeException e) {
                Run.this.fail(recording, reason(e));
              }
            }

            @Override
            public void fail(int index, String reason) {
              Run.this.fail(recordings.get(index), reason);
            }
          });
    }

    private void fail(Open recording, String reason) {
      if (!recording.done) {
        recording.done = true;
        results.fail(recording.index, reason);
      }
    }

    private String reason(RuntimeException e) {
      return e instanceof InvalidRequestException
          ? e.getMessage()
          : "Internal error reading the recording: " + e;
    }
  }
}
