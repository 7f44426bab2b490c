package ai.hubbatch.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A Hugging Face Hub on loopback, for tests: it speaks the HTTP layout huggingface_hub uses ({@code
 * /api/models/{repo}/revision/{rev}}, {@code HEAD}/{@code GET} {@code
 * /{repo}/resolve/{rev}/{path}}), with the Hub's headers ({@code X-Repo-Commit}, {@code ETag},
 * {@code X-Linked-Etag}, {@code X-Linked-Size}, {@code X-Error-Code}), Git LFS files redirected to
 * a "CDN" on another host name ({@code localhost} instead of {@code 127.0.0.1}), private
 * repositories behind a token, branches that move, and injected faults. It records every request.
 *
 * <p>{@code main} serves a model folder for trying {@code hubbatch run} by hand: {@code LocalHub
 * <repo id> <folder> <token>} prints the endpoint and serves until killed.
 */
public final class LocalHub implements AutoCloseable {

  /** A request as the server saw it. */
  public record Request(String method, String host, String path, String authorization) {}

  /** A fault served once on the next download of a file. */
  public enum Fault {
    /** The connection closes after half the bytes. */
    CUT,
    /** One byte of the content is changed. */
    CORRUPT
  }

  private record Blob(byte[] content, String sha256, String gitSha1, boolean lfs) {}

  private static final class Repo {
    final Map<String, Map<String, Blob>> commits = new ConcurrentHashMap<>();
    final Map<String, String> refs = new ConcurrentHashMap<>();
    volatile String token;
    volatile String pipelineTag;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Repo> repos = new ConcurrentHashMap<>();
  private final Map<String, Blob> lfs = new ConcurrentHashMap<>();
  private final Map<String, Fault> faults = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> faultsLeft = new ConcurrentHashMap<>();
  private final List<String> hidden = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Runnable afterNextInfo;
  private volatile long bytesPerSecond;

  private LocalHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts a Hub with no repositories on a free loopback port. */
  public static LocalHub start() throws IOException {
    return new LocalHub();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Commits files to a repository (creating it) and points the branch at the new commit.
   *
   * @return the commit id
   */
  public String publish(String repo, String branch, Map<String, byte[]> files) {
    Repo r = repos.computeIfAbsent(repo, k -> new Repo());
    Map<String, Blob> tree = new LinkedHashMap<>();
    MessageDigest commitDigest = digest("SHA-1");
    commitDigest.update((repo + r.commits.size()).getBytes(StandardCharsets.UTF_8));
    files.forEach(
        (path, content) -> {
          Blob blob = blob(path, content);
          tree.put(path, blob);
          if (blob.lfs()) {
            lfs.put(blob.sha256(), blob);
          }
          commitDigest.update((path + blob.gitSha1()).getBytes(StandardCharsets.UTF_8));
        });
    String commit = HexFormat.of().formatHex(commitDigest.digest());
    r.commits.put(commit, tree);
    r.refs.put(branch, commit);
    return commit;
  }

  /** Every file below a folder, by relative path, for {@link #publish}. */
  public static Map<String, byte[]> filesOf(Path folder) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path file : (Iterable<Path>) all.filter(Files::isRegularFile).sorted()::iterator) {
        String relative = folder.relativize(file).toString();
        if (!relative.startsWith(".")) {
          files.put(relative, Files.readAllBytes(file));
        }
      }
    }
    return files;
  }

  /** Points a branch or tag at a commit. */
  public void setRef(String repo, String ref, String commit) {
    repos.get(repo).refs.put(ref, commit);
  }

  /** Makes a repository private: only this token reads it. */
  public void makePrivate(String repo, String token) {
    repos.get(repo).token = token;
  }

  public void setPipelineTag(String repo, String tag) {
    repos.get(repo).pipelineTag = tag;
  }

  /** Runs once, right after the next model info is answered (to move a branch mid-run). */
  public void afterNextInfo(Runnable action) {
    afterNextInfo = action;
  }

  /** Serves Git LFS content at this rate (0: as fast as possible). */
  public void throttle(long rate) {
    bytesPerSecond = rate;
  }

  /** Serves the next {@code times} downloads of the file's content with a fault. */
  public void fault(byte[] content, Fault fault, int times) {
    faults.put(sha256(content), fault);
    faultsLeft.put(sha256(content), new AtomicLong(times));
  }

  /** Answers the file's resolve URL with the Hub's EntryNotFound, though listings name it. */
  public void hide(String path) {
    hidden.add(path);
  }

  /** Bytes of Git LFS content sent so far, by content. */
  public long bytesServed(byte[] content) {
    return served.getOrDefault(sha256(content), new AtomicLong()).get();
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Requests whose path contains the text. */
  public List<Request> requests(String pathContains) {
    return requests.stream().filter(r -> r.path().contains(pathContains)).toList();
  }

  public void clearRequests() {
    requests.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      Headers in = exchange.getRequestHeaders();
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              in.getFirst("Host"),
              URLDecoder.decode(path, StandardCharsets.UTF_8),
              in.getFirst("Authorization")));
      if (path.startsWith("/api/models/")) {
        info(exchange, path.substring("/api/models/".length()));
      } else if (path.startsWith("/cdn/")) {
        download(exchange, lfs.get(path.substring("/cdn/".length())));
      } else if (path.contains("/resolve/")) {
        resolve(exchange, path);
      } else {
        error(exchange, 404, null, "Not found", null);
      }
    }
  }

  private void info(HttpExchange exchange, String rest) throws IOException {
    int at = rest.indexOf("/revision/");
    String repoId = at < 0 ? rest : rest.substring(0, at);
    String revision = at < 0 ? "main" : decode(rest.substring(at + "/revision/".length()));
    Repo repo = readable(exchange, repoId);
    if (repo == null) {
      return;
    }
    String commit = commit(repo, revision);
    if (commit == null) {
      error(exchange, 404, "RevisionNotFound", "Invalid rev id: " + revision, null);
      return;
    }
    boolean blobs = String.valueOf(exchange.getRequestURI().getQuery()).contains("blobs=true");
    ObjectNode body =
        JSON.createObjectNode()
            .put("id", repoId)
            .put("modelId", repoId)
            .put("sha", commit)
            .put("private", repo.token != null);
    if (repo.pipelineTag != null) {
      body.put("pipeline_tag", repo.pipelineTag);
    }
    ArrayNode siblings = body.putArray("siblings");
    repo.commits
        .get(commit)
        .forEach(
            (file, blob) -> {
              ObjectNode sibling = siblings.addObject().put("rfilename", file);
              if (blobs) {
                sibling.put("size", blob.content().length).put("blobId", blob.gitSha1());
                if (blob.lfs()) {
                  sibling
                      .putObject("lfs")
                      .put("sha256", blob.sha256())
                      .put("size", blob.content().length)
                      .put("pointerSize", 134);
                }
              }
            });
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    Runnable action = afterNextInfo;
    afterNextInfo = null;
    if (action != null) {
      action.run();
    }
  }

  private void resolve(HttpExchange exchange, String rawPath) throws IOException {
    int at = rawPath.indexOf("/resolve/");
    Repo repo = readable(exchange, rawPath.substring(1, at));
    if (repo == null) {
      return;
    }
    String rest = rawPath.substring(at + "/resolve/".length());
    int slash = rest.indexOf('/');
    String commit = commit(repo, decode(rest.substring(0, slash)));
    if (commit == null) {
      error(exchange, 404, "RevisionNotFound", "Invalid rev id", null);
      return;
    }
    String file = decode(rest.substring(slash + 1));
    Blob blob = hidden.contains(file) ? null : repo.commits.get(commit).get(file);
    if (blob == null) {
      error(exchange, 404, "EntryNotFound", "Entry not found", commit);
      return;
    }
    Headers out = exchange.getResponseHeaders();
    out.set("X-Repo-Commit", commit);
    if (blob.lfs()) {
      out.set("ETag", "\"" + gitSha1(blob.sha256().getBytes(StandardCharsets.UTF_8)) + "\"");
      out.set("X-Linked-Etag", "\"" + blob.sha256() + "\"");
      out.set("X-Linked-Size", String.valueOf(blob.content().length));
      out.set(
          "Location",
          "http://localhost:" + server.getAddress().getPort() + "/cdn/" + blob.sha256());
      exchange.sendResponseHeaders(302, -1);
      return;
    }
    out.set("ETag", "\"" + blob.gitSha1() + "\"");
    if (exchange.getRequestMethod().equals("HEAD")) {
      out.set("Content-Length", String.valueOf(blob.content().length));
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    exchange.sendResponseHeaders(200, blob.content().length);
    exchange.getResponseBody().write(blob.content());
  }

  private void download(HttpExchange exchange, Blob blob) throws IOException {
    if (blob == null) {
      error(exchange, 404, null, "No such object", null);
      return;
    }
    byte[] content = blob.content();
    Fault fault =
        faultsLeft.getOrDefault(blob.sha256(), new AtomicLong()).getAndDecrement() > 0
            ? faults.get(blob.sha256())
            : null;
    if (fault == Fault.CORRUPT) {
      content = content.clone();
      content[content.length / 2] ^= 0x5a;
    }
    exchange.sendResponseHeaders(200, content.length);
    int end = fault == Fault.CUT ? content.length / 2 : content.length;
    AtomicLong counter = served.computeIfAbsent(blob.sha256(), k -> new AtomicLong());
    OutputStream body = exchange.getResponseBody();
    int chunk = 64 * 1024;
    for (int offset = 0; offset < end; offset += chunk) {
      int length = Math.min(chunk, end - offset);
      body.write(content, offset, length);
      body.flush();
      counter.addAndGet(length);
      long rate = bytesPerSecond;
      if (rate > 0) {
        sleep(length * 1000L / rate);
      }
    }
    if (fault == Fault.CUT) {
      // Closing short of the announced length drops the connection, as a network failure does.
      throw new IOException("cut on purpose");
    }
  }

  /** The repository if the request may read it; otherwise answers as the Hub does. */
  private Repo readable(HttpExchange exchange, String repoId) throws IOException {
    Repo repo = repos.get(repoId);
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    boolean known =
        authorization != null
            && repos.values().stream()
                .anyMatch(r -> r.token != null && authorization.equals("Bearer " + r.token));
    if (authorization != null && !known) {
      error(exchange, 401, null, "Invalid credentials in Authorization header", null);
      return null;
    }
    if (repo == null || repo.token != null && !("Bearer " + repo.token).equals(authorization)) {
      error(
          exchange,
          authorization == null ? 401 : 404,
          "RepoNotFound",
          "Repository not found",
          null);
      return null;
    }
    return repo;
  }

  private static String commit(Repo repo, String revision) {
    String commit = repo.refs.get(revision);
    return commit != null ? commit : repo.commits.containsKey(revision) ? revision : null;
  }

  private static void error(
      HttpExchange exchange, int status, String code, String message, String commit)
      throws IOException {
    Headers out = exchange.getResponseHeaders();
    if (code != null) {
      out.set("X-Error-Code", code);
    }
    out.set("X-Error-Message", message);
    if (commit != null) {
      out.set("X-Repo-Commit", commit);
    }
    byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message));
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  /** Weights and big files go through Git LFS on the Hub. */
  private static Blob blob(String path, byte[] content) {
    boolean lfs =
        path.matches(".*\\.(onnx|onnx_data|pt|bin|safetensors|h5|msgpack|ot)")
            || content.length > 10_000_000;
    return new Blob(content, sha256(content), gitSha1(content), lfs);
  }

  /** The git blob id: sha1 of "blob {size}\0" and the content. */
  private static String gitSha1(byte[] content) {
    MessageDigest sha1 = digest("SHA-1");
    sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha1.digest(content));
  }

  /** The hex sha256 of bytes. */
  public static String sha256(byte[] content) {
    return HexFormat.of().formatHex(digest("SHA-256").digest(content));
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment, StandardCharsets.UTF_8);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Serves a folder as a repository until killed: {@code <repo id> <folder> [<token>]}. */
  public static void main(String[] args) throws Exception {
    LocalHub hub = start();
    String commit = hub.publish(args[0], "main", filesOf(Path.of(args[1])));
    if (args.length > 2) {
      hub.makePrivate(args[0], args[2]);
    }
    System.out.println("HF_ENDPOINT=" + hub.endpoint() + " serves " + args[0] + " at " + commit);
    Thread.currentThread().join();
  }

  /** The paths of requests, for assertion messages. */
  public static List<String> paths(List<Request> requests) {
    List<String> paths = new ArrayList<>();
    requests.forEach(r -> paths.add(r.method() + " " + r.path()));
    return paths;
  }
}
