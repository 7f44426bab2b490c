package ai.hubbatch.model.source.hub;

import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.source.CacheFolders;
import ai.hubbatch.model.source.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How hubbatch reaches the Hugging Face Hub and where it caches what it downloads, read from the
 * same variables as huggingface_hub and the Inference Toolkit.
 *
 * <pre>{@code
 * HubSettings hub = HubSettings.fromEnvironment().withOffline(true);
 * }</pre>
 *
 * <p>Immutable. {@link #toString()} never shows the token.
 */
public final class HubSettings {

  /** The public Hub. */
  public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

  /** The token variables in the order they are read: the toolkit's, then huggingface_hub's. */
  public static final List<String> TOKEN_VARIABLES =
      List.of("HF_API_TOKEN", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN");

  private final URI endpoint;
  private final HubToken token;
  private final Path cache;
  private final boolean offline;

  private HubSettings(URI endpoint, HubToken token, Path cache, boolean offline) {
    this.endpoint = checkEndpoint(endpoint);
    this.token = token;
    this.cache = Objects.requireNonNull(cache, "cache").toAbsolutePath().normalize();
    this.offline = offline;
  }

  /**
   * {@code HF_ENDPOINT} (default {@code https://huggingface.co}); the token from {@code
   * HF_API_TOKEN}, else {@code HF_TOKEN}, else {@code HUGGING_FACE_HUB_TOKEN}; the cache of {@link
   * CacheFolders#huggingFaceHub()}; offline when {@code HF_HUB_OFFLINE} (or {@code
   * TRANSFORMERS_OFFLINE}) is 1, ON, YES or TRUE.
   */
  public static HubSettings fromEnvironment() {
    URI endpoint = Settings.get("HF_ENDPOINT").map(URI::create).orElse(DEFAULT_ENDPOINT);
    HubToken token = null;
    for (String variable : TOKEN_VARIABLES) {
      Optional<String> value = Settings.get(variable);
      if (value.isPresent()) {
        token = new HubToken(value.get(), variable);
        break;
      }
    }
    boolean offline = Settings.isTrue("HF_HUB_OFFLINE") || Settings.isTrue("TRANSFORMERS_OFFLINE");
    return new HubSettings(endpoint, token, CacheFolders.huggingFaceHub(), offline);
  }

  /** The public Hub, no token, the given cache, online. */
  public static HubSettings of(Path cache) {
    return new HubSettings(DEFAULT_ENDPOINT, null, cache, false);
  }

  public URI endpoint() {
    return endpoint;
  }

  public Optional<HubToken> token() {
    return Optional.ofNullable(token);
  }

  public Path cache() {
    return cache;
  }

  /** Whether only the cache may be used. */
  public boolean offline() {
    return offline;
  }

  public HubSettings withEndpoint(URI value) {
    return new HubSettings(value, token, cache, offline);
  }

  /** A copy that sends this token; null for none. */
  public HubSettings withToken(HubToken value) {
    return new HubSettings(endpoint, value, cache, offline);
  }

  public HubSettings withCache(Path value) {
    return new HubSettings(endpoint, token, value, offline);
  }

  public HubSettings withOffline(boolean value) {
    return new HubSettings(endpoint, token, cache, value);
  }

  private static URI checkEndpoint(URI endpoint) {
    String scheme = endpoint.getScheme();
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || endpoint.getHost() == null) {
      throw new ConfigurationException(
          "HF_ENDPOINT must be an http(s) URL such as " + DEFAULT_ENDPOINT);
    }
    if (endpoint.getRawUserInfo() != null) {
      // Never echo the value: it holds a credential.
      throw new ConfigurationException(
          "HF_ENDPOINT holds credentials; put the token in " + "HF_TOKEN instead");
    }
    String text = endpoint.toString();
    return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : endpoint;
  }

  @Override
  public String toString() {
    return "HubSettings[endpoint="
        + endpoint
        + ", token="
        + (token == null ? "none" : token)
        + ", cache="
        + cache
        + ", offline="
        + offline
        + "]";
  }
}
