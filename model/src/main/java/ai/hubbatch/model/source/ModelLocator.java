package ai.hubbatch.model.source;

import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.WeightsRequest;
import ai.hubbatch.model.source.hub.HubClient;
import ai.hubbatch.model.source.hub.HubSettings;
import ai.hubbatch.model.source.hub.HubSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a user names as the model into a local Hub-layout folder, wherever the model is kept.
 * In this order:
 *
 * <ol>
 *   <li>nothing named: the model the environment names, as a SageMaker container finds it (see
 *       {@link #choose});
 *   <li>a name ending in {@code .tar.gz} or {@code .tgz}: a model archive, a local file or a URI
 *       ({@code s3://...}, {@code file://...}) read through {@link RemoteFiles}, extracted safely
 *       into hubbatch's cache;
 *   <li>an existing folder;
 *   <li>a Hub id ({@code org/name}): downloaded into the Hub cache at the revision's commit.
 * </ol>
 *
 * <pre>{@code
 * LocatedModel model = ModelLocator.fromEnvironment()
 *     .locate("sentence-transformers/all-MiniLM-L6-v2", "main", Optional.empty());
 * }</pre>
 *
 * <p>Immutable; {@code withX()} return copies.
 */
public final class ModelLocator {

  private static final Logger LOG = LoggerFactory.getLogger(ModelLocator.class);

  /** SageMaker's base folder when {@code SAGEMAKER_BASE_DIR} is unset. */
  private static final String SAGEMAKER_BASE_DIR = "/opt/ml";

  private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.\\-]+://.*");
  private static final String SHA256 = "sha256:";

  private final HubSettings hub;
  private final RemoteFiles remote;
  private final Path cache;
  private final Optional<String> modelId;
  private final Optional<Path> modelDir;
  private final Path unpackedDir;

  private ModelLocator(
      HubSettings hub,
      RemoteFiles remote,
      Path cache,
      Optional<String> modelId,
      Optional<Path> modelDir,
      Path unpackedDir) {
    this.hub = hub;
    this.remote = remote;
    this.cache = cache;
    this.modelId = modelId;
    this.modelDir = modelDir;
    this.unpackedDir = unpackedDir;
  }

  /**
   * Settings from the environment: the Hub's ({@link HubSettings#fromEnvironment()}), {@code
   * HF_MODEL_ID}, {@code SM_MODEL_DIR}, {@code SAGEMAKER_BASE_DIR}, hubbatch's cache, and the
   * {@link RemoteFiles} on the class path.
   */
  public static ModelLocator fromEnvironment() {
    RemoteFiles remote =
        ServiceLoader.load(RemoteFiles.class)
            .findFirst()
            .orElse(
                (uri, target) -> {
                  throw new ConfigurationException(
                      "Nothing here reads "
                          + uri
                          + ": remote model archives are read through Apache Beam's file systems,"
                          + " which hubbatch run provides; copy the archive to a local file"
                          + " otherwise.");
                });
    Path base = Paths.get(Settings.get("SAGEMAKER_BASE_DIR").orElse(SAGEMAKER_BASE_DIR));
    return new ModelLocator(
        HubSettings.fromEnvironment(),
        remote,
        CacheFolders.hubbatch(),
        Settings.get("HF_MODEL_ID"),
        Settings.get("SM_MODEL_DIR").map(Paths::get),
        base.resolve("model"));
  }

  /**
   * Locates a model from the environment's settings, at its default revision, with the engine
   * picked from its files; for callers that only need the folder.
   *
   * @throws IllegalArgumentException if the model cannot be found or used, saying what to do
   * @throws UncheckedIOException if it cannot be fetched
   */
  public static ModelFolder locate(String model) {
    try {
      return fromEnvironment().locate(model, null, Optional.empty()).folder();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ModelLocator withHub(HubSettings value) {
    return new ModelLocator(value, remote, cache, modelId, modelDir, unpackedDir);
  }

  public ModelLocator withRemoteFiles(RemoteFiles value) {
    return new ModelLocator(hub, value, cache, modelId, modelDir, unpackedDir);
  }

  /** A copy that extracts archives under this hubbatch cache folder. */
  public ModelLocator withCache(Path value) {
    return new ModelLocator(hub, remote, value, modelId, modelDir, unpackedDir);
  }

  /** A copy with this model named when no other is, as {@code HF_MODEL_ID} does; null for none. */
  public ModelLocator withModelId(String value) {
    return new ModelLocator(hub, remote, cache, Optional.ofNullable(value), modelDir, unpackedDir);
  }

  /** A copy that uses this folder when no model is named, as {@code SM_MODEL_DIR} does. */
  public ModelLocator withSageMakerModelDir(Path value) {
    return new ModelLocator(hub, remote, cache, modelId, Optional.of(value), unpackedDir);
  }

  /** A copy with this SageMaker base folder, as {@code SAGEMAKER_BASE_DIR} does. */
  public ModelLocator withSageMakerBaseDir(Path value) {
    return new ModelLocator(hub, remote, cache, modelId, modelDir, value.resolve("model"));
  }

  /**
   * The model a name stands for, in the order of the Hugging Face inference toolkit's SageMaker
   * containers: the name given; else {@code HF_MODEL_ID}, which the toolkit prefers to the model
   * SageMaker unpacked; else {@code SM_MODEL_DIR}, which stands in for that unpacked model's
   * folder, so it comes after {@code HF_MODEL_ID} as that folder does; else {@code
   * $SAGEMAKER_BASE_DIR/model} ({@code /opt/ml/model}, where SageMaker unpacks {@code
   * model.tar.gz}) when it holds files; else nothing, for the bundled default model.
   *
   * @param model the model the user named, or null or blank for none
   * @return a name as {@link #locate} takes it (folders as absolute paths), or empty for the
   *     bundled default model
   */
  public String choose(String model) {
    if (model != null && !model.isBlank()) {
      return model.trim();
    }
    if (modelId.isPresent()) {
      return modelId.get();
    }
    if (modelDir.isPresent()) {
      return modelDir.get().toAbsolutePath().toString();
    }
    return holdsFiles(unpackedDir) ? unpackedDir.toAbsolutePath().toString() : "";
  }

  public HubSettings hub() {
    return hub;
  }

  /**
   * Locates a model with this engine (or any) and the dtype {@code auto}, as {@link #locate(String,
   * String, WeightsRequest)}.
   */
  public LocatedModel locate(String model, String revision, Optional<EngineKind> engine)
      throws IOException {
    return locate(model, revision, WeightsRequest.of(engine));
  }

  /**
   * Locates a model, fetching it when needed.
   *
   * @param model a Hub id, a folder, a model archive (path or URI), or empty or null for the model
   *     the environment names or else the bundled default model (see {@link #choose})
   * @param revision for a Hub id, a branch, tag or commit (null: {@code main}); for an archive, the
   *     {@code sha256:<hex>} it must have (what {@link LocatedModel#revision()} gave); else unused
   * @param weights the engine and dtype the user chose; for a Hub id, only those weights download
   * @throws IllegalArgumentException if the model cannot be found or used, or lacks the weights
   *     asked for, saying what to do
   * @throws IOException if it cannot be fetched
   */
  public LocatedModel locate(String model, String revision, WeightsRequest weights)
      throws IOException {
    String name = choose(model);
    if (name.isEmpty()) {
      return new LocatedModel(DefaultModel.folder(), "", null, null);
    }
    if (ModelArchive.isArchiveName(name)) {
      return archive(name, revision);
    }
    if (URI_SCHEME.matcher(name).matches()) {
      throw new ConfigurationException(
          "hubbatch reads remote models as model archives: "
              + name
              + " does not end in .tar.gz. Pack the model folder (tar czf model.tar.gz -C <folder>"
              + " .) or give a Hub id or a local folder.");
    }
    Path path = Paths.get(name);
    if (Files.isDirectory(path)) {
      return folder(path);
    }
    if (!HubClient.isRepoId(name) || name.startsWith(".")) {
      throw new ConfigurationException(
          "Model folder not found: "
              + path.toAbsolutePath()
              + " (nor is it a Hub model id, org/name)");
    }
    String rev = revision == null || revision.isBlank() ? "main" : revision.trim();
    HubSnapshot snapshot =
        new HubClient(hub).snapshot(name, rev, files -> ModelFiles.needed(files, weights, name));
    return new LocatedModel(
        ModelFolder.open(snapshot.folder()), name, snapshot.commit(), snapshot.pipelineTag());
  }

  private static LocatedModel folder(Path path) {
    ModelFolder folder = ModelFolder.open(path);
    return new LocatedModel(folder, folder.path().toString(), null, null);
  }

  /** Extracts an archive once per content; a pinned digest that is cached needs no fetch. */
  private LocatedModel archive(String name, String revision) throws IOException {
    ModelArchive archives = ModelArchive.inCache(cache.resolve("archives"));
    Optional<String> pinned =
        Optional.ofNullable(revision)
            .filter(r -> r.startsWith(SHA256))
            .map(r -> r.substring(SHA256.length()));
    boolean remoteUri = URI_SCHEME.matcher(name).matches();
    String reference = remoteUri ? name : Paths.get(name).toAbsolutePath().normalize().toString();
    Optional<Path> done = pinned.flatMap(archives::extracted);
    if (done.isPresent()) {
      return new LocatedModel(ModelFolder.open(done.get()), reference, revision, null);
    }
    Path local = Paths.get(name);
    Path download = null;
    try {
      if (remoteUri) {
        Path downloads = cache.resolve("downloads");
        Files.createDirectories(downloads);
        download = downloads.resolve(UUID.randomUUID() + ".tar.gz");
        LOG.info("Copying {}", name);
        remote.copy(name, download);
        local = download;
      } else if (!Files.isRegularFile(local)) {
        throw new ConfigurationException("Model archive not found: " + reference);
      }
      String sha256 = ModelArchive.sha256(local);
      if (pinned.isPresent() && !pinned.get().equals(sha256)) {
        throw new ConfigurationException(
            "The model archive "
                + name
                + " changed after the job"
                + " started (sha256 "
                + sha256
                + ", not "
                + pinned.get()
                + "); run the job again.");
      }
      Path folder = archives.extract(local, sha256);
      LOG.info("Model archive {} (sha256 {}) is in {}", name, sha256, folder);
      return new LocatedModel(ModelFolder.open(folder), reference, SHA256 + sha256, null);
    } finally {
      if (download != null) {
        Files.deleteIfExists(download);
      }
    }
  }

  private static boolean holdsFiles(Path folder) {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.findAny().isPresent();
    } catch (IOException e) {
      return false;
    }
  }
}
