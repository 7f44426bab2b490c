package ai.hubbatch.model.inference;

import ai.hubbatch.model.codec.MediaLimits;
import ai.hubbatch.model.engine.Dtype;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.engine.WeightsRequest;
import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything that identifies a loaded model: what to load, for which task, on which engine.
 * Serializable, so pipeline workers can load the same model; equal specs share one loaded model per
 * JVM (see {@link SharedModels}).
 *
 * @param model the model as the user named it (empty for the default model): a Hub id, a folder, or
 *     a model archive (see {@link ai.hubbatch.model.source.ModelLocator})
 * @param task the task name, or null to infer it from the model's files
 * @param engine the engine name, or null to pick it from the model's files
 * @param settings device and threads
 * @param revision what pins the model, so every worker loads the same files: a Hub branch, tag or
 *     (once resolved) commit, or an archive's {@code sha256:<hex>}; null for the default
 * @param dtype the weights' precision; a job resolves {@code auto} once, where it starts, so every
 *     worker loads the same file (null: auto)
 * @param media what media inputs may be (the image pixel limit; null: the defaults)
 * @param trustModelCode whether the model's own code (the jars in its {@code code/} folder, see
 *     {@link ai.hubbatch.model.task.ModelCode}) may run; a model that carries code is refused
 *     without it
 */
public record ModelSpec(
    String model,
    String task,
    String engine,
    EngineSettings settings,
    String revision,
    Dtype dtype,
    MediaLimits media,
    boolean trustModelCode)
    implements Serializable {

  public ModelSpec {
    model = model == null ? "" : model;
    Objects.requireNonNull(settings, "settings");
    dtype = dtype == null ? Dtype.AUTO : dtype;
    media = media == null ? MediaLimits.defaults() : media;
  }

  /** A spec that does not trust the model's code. */
  public ModelSpec(
      String model,
      String task,
      String engine,
      EngineSettings settings,
      String revision,
      Dtype dtype,
      MediaLimits media) {
    this(model, task, engine, settings, revision, dtype, media, false);
  }

  /** A spec with the dtype auto and the default media limits. */
  public ModelSpec(
      String model, String task, String engine, EngineSettings settings, String revision) {
    this(model, task, engine, settings, revision, Dtype.AUTO, MediaLimits.defaults());
  }

  /** A spec at the model's default revision, dtype auto. */
  public ModelSpec(String model, String task, String engine, EngineSettings settings) {
    this(model, task, engine, settings, null);
  }

  /** The default model with its inferred task, engine and default settings. */
  public static ModelSpec defaults() {
    return new ModelSpec("", null, null, EngineSettings.defaults());
  }

  public ModelSpec withModel(String value) {
    return new ModelSpec(value, task, engine, settings, revision, dtype, media, trustModelCode);
  }

  public ModelSpec withTask(String value) {
    return new ModelSpec(model, value, engine, settings, revision, dtype, media, trustModelCode);
  }

  public ModelSpec withEngine(String value) {
    return new ModelSpec(model, task, value, settings, revision, dtype, media, trustModelCode);
  }

  public ModelSpec withSettings(EngineSettings value) {
    return new ModelSpec(model, task, engine, value, revision, dtype, media, trustModelCode);
  }

  public ModelSpec withRevision(String value) {
    return new ModelSpec(model, task, engine, settings, value, dtype, media, trustModelCode);
  }

  public ModelSpec withDtype(Dtype value) {
    return new ModelSpec(model, task, engine, settings, revision, value, media, trustModelCode);
  }

  public ModelSpec withMedia(MediaLimits value) {
    return new ModelSpec(model, task, engine, settings, revision, dtype, value, trustModelCode);
  }

  public ModelSpec withTrustModelCode(boolean value) {
    return new ModelSpec(model, task, engine, settings, revision, dtype, media, value);
  }

  /** The weights this spec asks for: its engine (or any), dtype and device. */
  public WeightsRequest weights() {
    return new WeightsRequest(Optional.ofNullable(engine).map(EngineKind::parse), dtype, settings);
  }
}
