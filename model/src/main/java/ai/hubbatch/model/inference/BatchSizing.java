package ai.hubbatch.model.inference;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.stage.SizedLimits;
import java.io.Serializable;
import java.util.Locale;

/**
 * The batch limits a job asked for, where an unset limit is derived by the model's stage from the
 * device it runs on and the model's size. Workers resolve it themselves, so a GPU worker sizes its
 * batches for its GPU even when the launcher has none.
 *
 * @param maxItems inputs per batch, or null to derive
 * @param maxCost padded cost per batch (tokens for text), or null to derive
 */
public record BatchSizing(Integer maxItems, Integer maxCost) implements Serializable {

  public BatchSizing {
    if ((maxItems != null && maxItems < 1) || (maxCost != null && maxCost < 1)) {
      throw new ConfigurationException("Batch size and token budget must be at least 1");
    }
  }

  /** Both limits as given. */
  public static BatchSizing of(BatchLimits limits) {
    return new BatchSizing(limits.maxItems(), limits.maxCost());
  }

  /** Both limits derived. */
  public static BatchSizing auto() {
    return new BatchSizing(null, null);
  }

  /** Whether both limits were given, so nothing is derived. */
  public boolean given() {
    return maxItems != null && maxCost != null;
  }

  /** The limits for this model on its device, the job's own where it set them. */
  public BatchLimits resolve(LoadedModel model) {
    BatchLimits derived = model.task().stage().defaultLimits().limits();
    return new BatchLimits(
        maxItems != null ? maxItems : derived.maxItems(),
        maxCost != null ? maxCost : derived.maxCost());
  }

  /** One line for the start of a job: the limits and where they came from. */
  public String describe(LoadedModel model) {
    BatchLimits limits = resolve(model);
    SizedLimits derived = model.task().stage().defaultLimits();
    String source =
        given()
            ? "as given"
            : derived.reason()
                + (maxItems != null || maxCost != null ? ", with the options given" : "");
    return String.format(
        Locale.ROOT,
        "batches of up to %d inputs and %d padded %s (%s)",
        limits.maxItems(),
        limits.maxCost(),
        model.task().stage().costUnit(),
        source);
  }
}
