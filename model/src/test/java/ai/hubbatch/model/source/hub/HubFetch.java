package ai.hubbatch.model.source.hub;

import java.net.URI;
import java.nio.file.Path;

/**
 * A second process for the tests that need one (a run killed mid-download, two runs at once):
 * {@code HubFetch <endpoint> <cache> <repo>} downloads every file of the repository's main branch
 * and prints the snapshot folder.
 */
public final class HubFetch {

  private HubFetch() {}

  public static void main(String[] args) throws Exception {
    HubSettings settings = HubSettings.of(Path.of(args[1])).withEndpoint(URI.create(args[0]));
    HubSnapshot snapshot = new HubClient(settings).snapshot(args[2], "main", files -> files);
    System.out.println(snapshot.folder());
  }
}
