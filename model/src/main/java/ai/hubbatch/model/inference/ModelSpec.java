package ai.hubbatch.model.inference;

import ai.hubbatch.model.engine.EngineSettings;
import java.io.Serializable;
import java.util.Objects;

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
 */
public record ModelSpec(
    String model, String task, String engine, EngineSettings settings, String revision)
    implements Serializable {

  public ModelSpec {
    model = model == null ? "" : model;
    Objects.requireNonNull(settings, "settings");
  }

  /** A spec at the model's default revision. */
  public ModelSpec(String model, String task, String engine, EngineSettings settings) {
    this(model, task, engine, settings, null);
  }

  /** The default model with its inferred task, engine and default settings. */
  public static ModelSpec defaults() {
    return new ModelSpec("", null, null, EngineSettings.defaults());
  }

  public ModelSpec withModel(String value) {
    return new ModelSpec(value, task, engine, settings, revision);
  }

  public ModelSpec withTask(String value) {
    return new ModelSpec(model, value, engine, settings, revision);
  }

  public ModelSpec withEngine(String value) {
    return new ModelSpec(model, task, value, settings, revision);
  }

  public ModelSpec withSettings(EngineSettings value) {
    return new ModelSpec(model, task, engine, value, revision);
  }

  public ModelSpec withRevision(String value) {
    return new ModelSpec(model, task, engine, settings, value);
  }
}
