package ai.hubbatch.pipeline;

import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.source.RemoteFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Reads model archives through Apache Beam's file systems, so {@code --model} takes every scheme
 * the job's file systems take ({@code s3://} once Beam's AWS module is on the class path, {@code
 * gs://}, {@code file://}), configured by the job's pipeline options. Registered for {@link
 * java.util.ServiceLoader} in {@code META-INF/services}.
 */
public final class BeamRemoteFiles implements RemoteFiles {

  @Override
  public void copy(String uri, Path target) throws IOException {
    MatchResult.Metadata file;
    try {
      file = FileSystems.matchSingleFileSpec(uri);
    } catch (FileNotFoundException e) {
      throw new ConfigurationException("Model archive not found: " + uri);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          "No file system reads "
              + uri
              + " ("
              + e.getMessage()
              + "); for s3:// the job needs Beam's AWS file system and its options.",
          e);
    }
    try (ReadableByteChannel channel = FileSystems.open(file.resourceId());
        InputStream in = Channels.newInputStream(channel)) {
      Files.copy(in, target);
    }
  }
}
