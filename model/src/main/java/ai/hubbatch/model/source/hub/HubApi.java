package ai.hubbatch.model.source.hub;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.config.ConfigurationException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Hub's HTTP API, the calls huggingface_hub makes to download a snapshot: the model info at a
 * revision, a {@code HEAD} on each file's {@code resolve} URL, and the download.
 *
 * <p>The token goes to the endpoint's host only: a Git LFS file redirects to a CDN URL that is
 * already signed, and huggingface_hub drops the {@code Authorization} header there too.
 *
 * <p>Refusals become {@link IllegalArgumentException}s that say what to do; a Hub that cannot
 * answer is a {@link HubUnavailableException}.
 */
final class HubApi {

  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_REDIRECTS = 5;

  private final HubSettings settings;
  private final HttpClient http;
  private final String userAgent;

  HubApi(HubSettings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(METADATA_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    String version = HubApi.class.getPackage().getImplementationVersion();
    this.userAgent =
        "hubbatch/" + (version == null ? "dev" : version) + "; java/" + Runtime.version().feature();
  }

  /** {@code GET /api/models/{repo}/revision/{revision}?blobs=true}. */
  RepoInfo info(String repo, String revision) throws IOException {
    URI uri =
        URI.create(
            settings.endpoint()
                + "/api/models/"
                + repo
                + "/revision/"
                + encode(revision)
                + "?blobs=true");
    HttpResponse<byte[]> response =
        send(
            request(uri, true).GET().timeout(METADATA_TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofByteArray(),
            "the model info of " + repo);
    if (response.statusCode() != 200) {
      throw refusal(response, repo, revision, null);
    }
    JsonNode body = Json.MAPPER.readTree(response.body());
    String sha = body.path("sha").asText("");
    if (!HubCache.isCommit(sha)) {
      throw new HubUnavailableException(
          "The Hub at "
              + settings.endpoint()
              + " gave no commit "
              + "for "
              + repo
              + " at "
              + revision
              + ": is HF_ENDPOINT a Hub?");
    }
    List<RepoFile> files = new ArrayList<>();
    for (JsonNode sibling : body.path("siblings")) {
      JsonNode lfs = sibling.path("lfs");
      files.add(
          new RepoFile(
              sibling.path("rfilename").asText(),
              sibling.path("size").asLong(-1),
              sibling.hasNonNull("blobId") ? sibling.get("blobId").asText() : null,
              lfs.hasNonNull("sha256") ? lfs.get("sha256").asText() : null));
    }
    String tag = body.hasNonNull("pipeline_tag") ? body.get("pipeline_tag").asText() : null;
    return new RepoInfo(sha, tag, files);
  }

  /**
   * {@code HEAD /{repo}/resolve/{commit}/{path}}, following the relative redirects of a renamed
   * repository but not the redirect of a Git LFS file to its CDN, whose headers say what it is.
   */
  FileMetadata metadata(String repo, String commit, String path) throws IOException {
    URI uri = resolveUrl(repo, commit, path);
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<Void> response =
          send(
              request(uri, true)
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .header("Accept-Encoding", "identity")
                  .timeout(METADATA_TIMEOUT)
                  .build(),
              HttpResponse.BodyHandlers.discarding(),
              path + " of " + repo);
      int status = response.statusCode();
      HttpHeaders headers = response.headers();
      Optional<String> location = headers.firstValue("Location");
      if (status / 100 == 3 && location.isPresent() && isRelative(location.get())) {
        uri = uri.resolve(location.get());
        continue;
      }
      if (status / 100 != 2 && status / 100 != 3) {
        throw refusal(response, repo, commit, path);
      }
      String etag =
          headers
              .firstValue("X-Linked-Etag")
              .or(() -> headers.firstValue("ETag"))
              .map(HubApi::normalizeEtag)
              .orElse(null);
      String fileCommit = headers.firstValue("X-Repo-Commit").orElse(null);
      long size =
          headers
              .firstValue("X-Linked-Size")
              .or(() -> status / 100 == 3 ? Optional.empty() : headers.firstValue("Content-Length"))
              .map(Long::parseLong)
              .orElse(-1L);
      if (etag == null || fileCommit == null || size < 0) {
        throw new HubUnavailableException(
            "The answer for "
                + path
                + " of "
                + repo
                + " lacks "
                + "X-Repo-Commit, ETag or a size: is HF_ENDPOINT ("
                + settings.endpoint()
                + ") a Hub, or does a proxy strip headers?");
      }
      URI from = location.map(uri::resolve).orElse(uri);
      return new FileMetadata(path, fileCommit, etag, size, from);
    }
    throw new HubUnavailableException("Too many redirects for " + path + " of " + repo);
  }

  /**
   * Opens the content of a file. The caller closes the stream. Redirects are followed; the token is
   * sent to the endpoint's host only.
   */
  InputStream open(FileMetadata file) throws IOException {
    URI uri = file.location();
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<InputStream> response =
          send(
              request(uri, sameHost(uri)).GET().header("Accept-Encoding", "identity").build(),
              HttpResponse.BodyHandlers.ofInputStream(),
              file.path());
      int status = response.statusCode();
      Optional<String> location = response.headers().firstValue("Location");
      if (status / 100 == 3 && location.isPresent()) {
        response.body().close();
        uri = uri.resolve(location.get());
        continue;
      }
      if (status != 200) {
        response.body().close();
        if (status == 429 || status >= 500) {
          throw new HubUnavailableException(
              "Downloading " + file.path() + " failed: HTTP " + status);
        }
        throw new IOException(
            "Downloading " + file.path() + " failed: HTTP " + status + " from " + uri.getHost());
      }
      return response.body();
    }
    throw new HubUnavailableException("Too many redirects downloading " + file.path());
  }

  URI resolveUrl(String repo, String revision, String path) {
    StringBuilder url =
        new StringBuilder(settings.endpoint().toString())
            .append('/')
            .append(repo)
            .append("/resolve/")
            .append(encode(revision));
    for (String segment : path.split("/")) {
      url.append('/').append(encode(segment));
    }
    return URI.create(url.toString());
  }

  private HttpRequest.Builder request(URI uri, boolean authorize) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).header("User-Agent", userAgent);
    if (authorize) {
      settings.token().ifPresent(t -> builder.header("Authorization", t.bearer()));
    }
    return builder;
  }

  private <T> HttpResponse<T> send(
      HttpRequest request, HttpResponse.BodyHandler<T> handler, String what) throws IOException {
    try {
      return http.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("Interrupted while fetching " + what);
    } catch (IOException e) {
      throw new HubUnavailableException(
          "The Hub at "
              + settings.endpoint()
              + " cannot be "
              + "reached for "
              + what
              + " ("
              + describe(e)
              + ")");
    }
  }

  /**
   * What an error answer means. Server errors and rate limits come back as a {@link
   * HubUnavailableException} to throw; refusals are thrown here as {@link
   * IllegalArgumentException}s that say what to do, as huggingface_hub reads the Hub's {@code
   * X-Error-Code} header.
   */
  private IOException refusal(HttpResponse<?> response, String repo, String revision, String path) {
    int status = response.statusCode();
    String endpoint = settings.endpoint().toString();
    if (status == 429 || status >= 500) {
      return new HubUnavailableException(
          "The Hub at "
              + endpoint
              + " answered HTTP "
              + status
              + " for "
              + (path == null ? repo : path + " of " + repo));
    }
    String code = response.headers().firstValue("X-Error-Code").orElse("");
    String said = response.headers().firstValue("X-Error-Message").map(this::scrub).orElse("");
    Optional<HubToken> token = settings.token();
    String tokenName = token.map(HubToken::source).orElse("HF_TOKEN");
    if (code.equals("RevisionNotFound")) {
      throw new ConfigurationException(
          "The model "
              + repo
              + " has no revision '"
              + revision
              + "' on "
              + endpoint
              + ": set HF_MODEL_REVISION (or --revision) to a branch, tag or "
              + "commit that exists.");
    }
    if (code.equals("EntryNotFound")) {
      throw new ConfigurationException(
          "The model "
              + repo
              + " at commit "
              + revision
              + " has no file "
              + path
              + " although its listing names it; run again, or pin a "
              + "commit with HF_MODEL_REVISION.");
    }
    if (code.equals("GatedRepo")) {
      throw new ConfigurationException(
          "The model "
              + repo
              + " is gated: accept its "
              + "conditions on its page at "
              + endpoint
              + " with the account whose token is in "
              + tokenName
              + (token.isPresent() ? "." : " (no token is set)."));
    }
    if (status == 401 && said.equals("Invalid credentials in Authorization header")) {
      throw new ConfigurationException(
          "The Hub at "
              + endpoint
              + " refused the token in "
              + tokenName
              + " as invalid: set it to a valid access token.");
    }
    if (code.equals("RepoNotFound") || status == 401) {
      throw new ConfigurationException(
          "The Hub at "
              + endpoint
              + " has no model '"
              + repo
              + "' that "
              + (token.isPresent()
                  ? "the token in " + tokenName + " can read"
                  : "can be read without a token")
              + " (HTTP "
              + status
              + "). Check the model id; "
              + "if the repository is private or gated, set HF_TOKEN (or HF_API_TOKEN) to a token "
              + "that can read it.");
    }
    if (status == 403) {
      throw new ConfigurationException(
          "The Hub at "
              + endpoint
              + " forbids reading "
              + repo
              + (said.isEmpty() ? "" : " (" + said + ")")
              + ": make sure the token in "
              + tokenName
              + " may read it.");
    }
    throw new ConfigurationException(
        "The Hub at "
            + endpoint
            + " answered HTTP "
            + status
            + " for "
            + (path == null ? repo + " at " + revision : path + " of " + repo)
            + (said.isEmpty() ? "" : ": " + said));
  }

  /** A server's own words, with the token masked should it ever echo it. */
  private String scrub(String text) {
    return settings.token().map(t -> t.mask(text)).orElse(text);
  }

  private boolean sameHost(URI uri) {
    return Objects.equals(uri.getHost(), settings.endpoint().getHost())
        && uri.getPort() == settings.endpoint().getPort();
  }

  private static boolean isRelative(String location) {
    return !URI.create(location).isAbsolute();
  }

  /** An ETag as huggingface_hub normalizes it: no weak prefix, no quotes. */
  static String normalizeEtag(String etag) {
    String value = etag.startsWith("W/") ? etag.substring(2) : etag;
    return value.replace("\"", "");
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** An exception as a short phrase: its class and message. */
  static String describe(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
