package ai.hubbatch.stats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * Beam coder of {@link JobStats}: Java serialization, length-prefixed so it nests in other coders.
 * The statistics never serve as keys, so the encoding need not be deterministic.
 */
final class JobStatsCoder extends CustomCoder<JobStats> {

  private static final long serialVersionUID = 1L;

  @Override
  public void encode(JobStats value, OutputStream out) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream objects = new ObjectOutputStream(bytes)) {
      objects.writeObject(value);
    }
    VarIntCoder.of().encode(bytes.size(), out);
    bytes.writeTo(out);
  }

  @Override
  public JobStats decode(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(VarIntCoder.of().decode(in));
    try (ObjectInputStream objects = new ClassLoaderInput(new ByteArrayInputStream(bytes))) {
      return (JobStats) objects.readObject();
    } catch (ClassNotFoundException e) {
      throw new CoderException("JobStats from another hubbatch version", e);
    }
  }

  /**
   * Resolves classes through the loader of hubbatch's own classes, not the JVM's default: on a
   * Flink or Spark worker hubbatch's jar sits in a job class loader of its own.
   */
  private static final class ClassLoaderInput extends ObjectInputStream {
    ClassLoaderInput(InputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, JobStatsCoder.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc); // primitives and the JDK's own
      }
    }
  }

  @Override
  public void verifyDeterministic() throws NonDeterministicException {
    throw new NonDeterministicException(this, "Java serialization of JobStats");
  }
}
