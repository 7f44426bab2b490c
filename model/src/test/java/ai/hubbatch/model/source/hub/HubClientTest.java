package ai.hubbatch.model.source.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.LocalHub;
import ai.hubbatch.model.LocalHub.Fault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hub client against a Hub on loopback: the cache layout huggingface_hub uses, reuse, offline
 * runs, tokens, moving branches, refusals, and downloads that fail or are killed.
 */
class HubClientTest {

  private static final String REPO = "hubbatch-test/tiny";
  private static final String TOKEN = "hf_tEsTsEcReT0123456789abcdefXYZ";

  /** What a run of hubbatch needs from the tiny repository: no other weights, no card. */
  private static final UnaryOperator<List<String>> ONNX_AND_CONFIG =
      files ->
          files.stream()
              .filter(f -> f.equals("config.json") || f.equals("onnx/model.onnx"))
              .toList();

  @TempDir Path temp;
  private LocalHub hub;
  private Map<String, byte[]> files;
  private ByteArrayOutputStream logs;
  private PrintStream stderr;

  @BeforeEach
  void startHub() throws IOException {
    stderr = System.err;
    logs = new ByteArrayOutputStream();
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
    hub = LocalHub.start();
    files = tinyRepo(1, 3_000_000);
  }

  @AfterEach
  void stopHub() {
    hub.close();
    System.setErr(stderr);
    stderr.print(logs.toString(StandardCharsets.UTF_8));
  }

  private HubClient client() {
    return new HubClient(HubSettings.of(temp.resolve("hub")).withEndpoint(hub.endpoint()));
  }

  private Path storage() {
    return temp.resolve("hub/models--hubbatch-test--tiny");
  }

  private static Map<String, byte[]> tinyRepo(int seed, int weightBytes) {
    Random random = new Random(seed);
    byte[] weights = new byte[weightBytes];
    random.nextBytes(weights);
    byte[] other = new byte[100_000];
    random.nextBytes(other);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(
        "config.json",
        ("{\"architectures\":[\"BertModel\"],\"seed\":" + seed + "}")
            .getBytes(StandardCharsets.UTF_8));
    files.put("onnx/model.onnx", weights);
    files.put("model.safetensors", other);
    files.put("README.md", "# tiny".getBytes(StandardCharsets.UTF_8));
    return files;
  }

  @Test
  void downloadsTheSelectedFilesIntoHuggingFaceHubsCacheLayout() throws Exception {
    String commit = hub.publish(REPO, "main", files);
    HubSnapshot snapshot = client().snapshot(REPO, "main", ONNX_AND_CONFIG);

    assertEquals(commit, snapshot.commit());
    assertEquals(storage().resolve("snapshots").resolve(commit), snapshot.folder());
    assertEquals(commit, Files.readString(storage().resolve("refs/main")));
    byte[] weights = files.get("onnx/model.onnx");
    Path onnx = snapshot.folder().resolve("onnx/model.onnx");
    assertEquals(
        Path.of("../../../blobs/" + LocalHub.sha256(weights)),
        Files.readSymbolicLink(onnx),
        "LFS blobs are named by their sha256, linked relatively");
    assertArrayEquals(weights, Files.readAllBytes(onnx));
    assertEquals(
        Path.of("../../blobs/" + gitBlobId(files.get("config.json"))),
        Files.readSymbolicLink(snapshot.folder().resolve("config.json")),
        "other blobs are named by their git blob id");
    assertEquals(List.of("config.json", "onnx/model.onnx"), filesIn(snapshot.folder()));
    String tree = Files.readString(storage().resolve("trees/" + commit + ".json"));
    assertTrue(
        tree.contains("\"format_version\" : 1") && tree.contains("model.safetensors"),
        "the whole listing goes to huggingface_hub's tree cache: " + tree);
    assertTrue(hub.requests("model.safetensors").isEmpty(), "unselected files stay on the Hub");
    assertTrue(
        hub.requests("/resolve/" + commit + "/config.json").size() >= 1,
        "files are fetched at the resolved commit, not the branch");
  }

  @Test
  void reusesTheCacheWithoutDownloadingAndWithTheServerStopped() throws Exception {
    String commit = hub.publish(REPO, "main", files);
    client().snapshot(REPO, "main", ONNX_AND_CONFIG);
    hub.clearRequests();

    HubSnapshot again = client().snapshot(REPO, "main", ONNX_AND_CONFIG);
    assertEquals(commit, again.commit());
    assertEquals(
        List.of("GET /api/models/" + REPO + "/revision/main"),
        LocalHub.paths(hub.requests()),
        "only the revision is resolved again");

    hub.clearRequests();
    client().snapshot(REPO, commit, ONNX_AND_CONFIG);
    assertEquals(List.of(), hub.requests(), "a cached commit needs no request at all");

    hub.close();
    HubSnapshot offline = client().snapshot(REPO, "main", ONNX_AND_CONFIG);
    assertEquals(again.folder(), offline.folder());
    assertArrayEquals(
        files.get("onnx/model.onnx"),
        Files.readAllBytes(offline.folder().resolve("onnx/model.onnx")));
    String log = logs.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("cannot be reached"), log);

    IOException nothingCached =
        assertThrows(
            HubUnavailableException.class,
            () -> client().snapshot("hubbatch-test/never-downloaded", "main", ONNX_AND_CONFIG));
    assertTrue(
        nothingCached
            .getMessage()
            .contains("has no snapshot of " + "hubbatch-test/never-downloaded at revision main"),
        nothingCached.getMessage());
  }

  @Test
  void offlineReadsOnlyTheCacheAndNamesWhatIsMissing() throws Exception {
    String commit = hub.publish(REPO, "main", files);
    HubClient offline =
        new HubClient(
            HubSettings.of(temp.resolve("hub")).withEndpoint(hub.endpoint()).withOffline(true));
    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class, () -> offline.snapshot(REPO, "main", ONNX_AND_CONFIG));
    assertTrue(
        empty.getMessage().startsWith("HF_HUB_OFFLINE is set, and the Hub cache at "),
        empty.getMessage());
    assertTrue(empty.getMessage().contains("Run once without HF_HUB_OFFLINE"), empty.getMessage());

    client().snapshot(REPO, "main", ONNX_AND_CONFIG);
    hub.clearRequests();
    assertEquals(commit, offline.snapshot(REPO, "main", ONNX_AND_CONFIG).commit());
    IllegalArgumentException lacking =
        assertThrows(
            IllegalArgumentException.class, () -> offline.snapshot(REPO, "main", all -> all));
    assertTrue(
        lacking.getMessage().contains("lacks [README.md, model.safetensors]"),
        lacking.getMessage());
    assertEquals(List.of(), hub.requests(), "offline means no request");
  }

  @Test
  void privateRepositoriesNeedTheTokenWhichNeverShows() throws Exception {
    hub.publish(REPO, "main", files);
    hub.makePrivate(REPO, TOKEN);
    HubSettings base = HubSettings.of(temp.resolve("hub")).withEndpoint(hub.endpoint());
    List<String> messages = new ArrayList<>();

    IllegalArgumentException anonymous =
        assertThrows(
            IllegalArgumentException.class,
            () -> new HubClient(base).snapshot(REPO, "main", ONNX_AND_CONFIG));
    assertTrue(
        anonymous.getMessage().contains("can be read without a token (HTTP 401)")
            && anonymous.getMessage().contains("set HF_TOKEN"),
        anonymous.getMessage());
    IllegalArgumentException wrong =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new HubClient(base.withToken(new HubToken("hf_wrong", "HF_API_TOKEN")))
                    .snapshot(REPO, "main", ONNX_AND_CONFIG));
    assertTrue(
        wrong.getMessage().contains("refused the token in HF_API_TOKEN"), wrong.getMessage());

    HubSettings withToken = base.withToken(new HubToken(TOKEN, "HF_API_TOKEN"));
    hub.clearRequests();
    HubSnapshot snapshot = new HubClient(withToken).snapshot(REPO, "main", ONNX_AND_CONFIG);
    assertArrayEquals(
        files.get("config.json"), Files.readAllBytes(snapshot.folder().resolve("config.json")));
    for (LocalHub.Request request : hub.requests()) {
      boolean toHub = request.host().startsWith("127.0.0.1");
      if (toHub) {
        assertEquals("Bearer " + TOKEN, request.authorization(), "the token to the Hub");
      }
      if (!toHub) {
        assertEquals(null, request.authorization(), "no token to the CDN: " + request);
      }
    }
    assertFalse(hub.requests("/cdn/").isEmpty(), "the weights came from the CDN");

    hub.close();
    IOException unreachable =
        assertThrows(
            IOException.class,
            () ->
                new HubClient(withToken).snapshot("hubbatch-test/other", "main", ONNX_AND_CONFIG));
    messages.add(anonymous.toString());
    messages.add(wrong.toString());
    messages.add(unreachable.toString());
    messages.add(withToken.toString());
    messages.add(withToken.token().orElseThrow().toString());
    messages.add(logs.toString(StandardCharsets.UTF_8));
    for (String message : messages) {
      assertFalse(message.contains(TOKEN), "the token leaked into: " + message);
    }
    assertTrue(withToken.toString().contains("HubToken[from HF_API_TOKEN]"), withToken.toString());
  }

  @Test
  void aMovingBranchStaysPinnedToTheCommitItResolvedTo() throws Exception {
    String first = hub.publish(REPO, "main", files);
    Map<String, byte[]> next = tinyRepo(2, 3_000_000);
    hub.afterNextInfo(() -> hub.publish(REPO, "main", next));

    HubSnapshot pinned = client().snapshot(REPO, "main", ONNX_AND_CONFIG);
    assertEquals(first, pinned.commit());
    assertArrayEquals(
        files.get("onnx/model.onnx"),
        Files.readAllBytes(pinned.folder().resolve("onnx/model.onnx")),
        "the branch moved during the download; the files are still the first commit's");

    HubSnapshot moved = client().snapshot(REPO, "main", ONNX_AND_CONFIG);
    assertFalse(first.equals(moved.commit()));
    assertArrayEquals(
        next.get("onnx/model.onnx"), Files.readAllBytes(moved.folder().resolve("onnx/model.onnx")));
    assertEquals(moved.commit(), Files.readString(storage().resolve("refs/main")));
    assertArrayEquals(
        files.get("onnx/model.onnx"),
        Files.readAllBytes(
            client().snapshot(REPO, first, ONNX_AND_CONFIG).folder().resolve("onnx/model.onnx")));
  }

  @Test
  void unknownModelsRevisionsAndFilesSayWhatToDo() throws Exception {
    String commit = hub.publish(REPO, "main", files);
    IllegalArgumentException model =
        assertThrows(
            IllegalArgumentException.class,
            () -> client().snapshot("hubbatch-test/nope", "main", ONNX_AND_CONFIG));
    assertTrue(
        model.getMessage().contains("has no model 'hubbatch-test/nope'")
            && model.getMessage().contains("Check the model id"),
        model.getMessage());
    IllegalArgumentException revision =
        assertThrows(
            IllegalArgumentException.class, () -> client().snapshot(REPO, "v9", ONNX_AND_CONFIG));
    assertTrue(
        revision.getMessage().contains("has no revision 'v9'")
            && revision.getMessage().contains("HF_MODEL_REVISION"),
        revision.getMessage());
    hub.hide("onnx/model.onnx");
    IllegalArgumentException file =
        assertThrows(
            IllegalArgumentException.class, () -> client().snapshot(REPO, "main", ONNX_AND_CONFIG));
    assertTrue(
        file.getMessage().contains("at commit " + commit + " has no file onnx/model.onnx"),
        file.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> client().snapshot("../etc", "main", ONNX_AND_CONFIG));
    assertThrows(
        IllegalArgumentException.class, () -> client().snapshot(REPO, "../../x", ONNX_AND_CONFIG));
  }

  @Test
  void cutAndCorruptDownloadsAreRetriedAndNeverCached() throws Exception {
    hub.publish(REPO, "main", files);
    byte[] weights = files.get("onnx/model.onnx");
    hub.fault(weights, Fault.CUT, 1);
    HubSnapshot snapshot = client().snapshot(REPO, "main", ONNX_AND_CONFIG);
    assertArrayEquals(weights, Files.readAllBytes(snapshot.folder().resolve("onnx/model.onnx")));
    assertEquals(2, hub.requests("/cdn/").size(), "one cut download, one retry");

    Map<String, byte[]> other = tinyRepo(3, 1_000_000);
    String repo = "hubbatch-test/corrupt";
    hub.publish(repo, "main", other);
    hub.fault(other.get("onnx/model.onnx"), Fault.CORRUPT, 3);
    IOException corrupt =
        assertThrows(IOException.class, () -> client().snapshot(repo, "main", ONNX_AND_CONFIG));
    assertTrue(
        corrupt.getMessage().contains("failed 3 times")
            && corrupt
                .getMessage()
                .contains("not the Hub's " + LocalHub.sha256(other.get("onnx/model.onnx"))),
        corrupt.getMessage());
    Path blobs = temp.resolve("hub/models--hubbatch-test--corrupt/blobs");
    assertEquals(
        List.of(gitBlobId(other.get("config.json"))),
        filesIn(blobs),
        "nothing of the corrupt file, not even a partial download, is left");
  }

  @Test
  void leftoversOfAKilledRunAreNotTrusted() throws Exception {
    hub.publish(REPO, "main", files);
    byte[] weights = files.get("onnx/model.onnx");
    String sha = LocalHub.sha256(weights);
    Path blobs = storage().resolve("blobs");
    Files.createDirectories(blobs);
    Path stale = blobs.resolve(sha + ".0badc0de.incomplete");
    Files.write(stale, new byte[1000]);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
    Path fresh = blobs.resolve(sha + ".5ca1ab1e.incomplete");
    Files.write(fresh, new byte[10]);
    Files.write(blobs.resolve(sha), new byte[weights.length / 3]);

    HubSnapshot snapshot = client().snapshot(REPO, "main", ONNX_AND_CONFIG);
    assertArrayEquals(
        weights,
        Files.readAllBytes(snapshot.folder().resolve("onnx/model.onnx")),
        "a truncated blob is downloaded again");
    assertFalse(Files.exists(stale), "an hour-old partial download is removed");
    assertTrue(Files.exists(fresh), "a fresh one may be another process's download");
  }

  @Test
  void aRunKilledMidDownloadLeavesNoFileThatTheNextRunUses() throws Exception {
    hub.publish(REPO, "main", files);
    byte[] weights = files.get("onnx/model.onnx");
    hub.throttle(1_000_000);
    Process child = fetchInAnotherProcess();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (hub.bytesServed(weights) < 300_000 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    assertTrue(hub.bytesServed(weights) < weights.length, "killed before the end");
    String sha = LocalHub.sha256(weights);
    assertFalse(Files.exists(storage().resolve("blobs").resolve(sha)));
    assertFalse(
        Files.exists(
            storage()
                .resolve("snapshots")
                .resolve(Files.readString(storage().resolve("refs/main")))
                .resolve("onnx/model.onnx")));

    hub.throttle(0);
    HubSnapshot snapshot = client().snapshot(REPO, "main", ONNX_AND_CONFIG);
    assertArrayEquals(weights, Files.readAllBytes(snapshot.folder().resolve("onnx/model.onnx")));
  }

  @Test
  void twoRunsAtOnceDownloadEachFileOnceAndAgree() throws Exception {
    hub.publish(REPO, "main", files);
    byte[] weights = files.get("onnx/model.onnx");
    hub.throttle(6_000_000);
    Process one = fetchInAnotherProcess();
    Process two = fetchInAnotherProcess();
    String first = new String(one.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String second = new String(two.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, one.waitFor(), first);
    assertEquals(0, two.waitFor(), second);
    assertEquals(first, second);
    Path folder = Path.of(first.trim());
    assertArrayEquals(weights, Files.readAllBytes(folder.resolve("onnx/model.onnx")));
    assertEquals(
        1,
        hub.requests("/cdn/" + LocalHub.sha256(weights)).size(),
        "the second run waited for the first one's download instead of repeating it");
    try (Stream<Path> left = Files.list(storage().resolve("blobs"))) {
      assertTrue(left.noneMatch(f -> f.toString().endsWith(".incomplete")));
    }
  }

  private Process fetchInAnotherProcess() throws IOException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            HubFetch.class.getName(),
            hub.endpoint().toString(),
            temp.resolve("hub").toString(),
            REPO)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private static List<String> filesIn(Path folder) throws IOException {
    try (Stream<Path> all = Files.walk(folder)) {
      return all.filter(Files::isRegularFile)
          .map(f -> folder.relativize(f).toString())
          .sorted()
          .toList();
    }
  }

  private static String gitBlobId(byte[] content) throws Exception {
    java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
    sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.UTF_8));
    return java.util.HexFormat.of().formatHex(sha1.digest(content));
  }
}
