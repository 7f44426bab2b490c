package ai.hubbatch.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * An HTTP proxy in front of a test S3 server that fails, stalls or cuts the connection on chosen
 * requests, counted from 1 in the order they arrive. Each request is forwarded on a connection of
 * its own, byte for byte but for hop-by-hop headers ({@code Connection}, {@code Expect}), so the
 * SigV4 signatures still hold; the client's connection is closed after each answer.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(server.getUri())) {
 *   proxy.plan(n -> n >= 40 ? FaultProxy.Fault.FAIL : FaultProxy.Fault.PASS); // an outage
 *   ... point the S3 client at proxy.uri() ...
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

  /** What happens to a request. */
  public enum Fault {
    /** Forwarded, and its answer returned. */
    PASS,
    /** Answered 500 InternalError by the proxy; the server never sees it. */
    FAIL,
    /** Never answered: the connection stays silent until the client gives up. */
    STALL,
    /** Forwarded, but only half of the answer is returned before the connection is cut. */
    CUT
  }

  private final URI upstream;
  private final ServerSocket listener;
  private final ExecutorService connections = Executors.newCachedThreadPool(daemon());
  private final AtomicInteger count = new AtomicInteger();
  private final List<String> heads = Collections.synchronizedList(new ArrayList<>());
  private volatile IntFunction<Fault> plan = n -> Fault.PASS;

  private FaultProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    this.listener = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    connections.execute(this::accept);
  }

  public static FaultProxy start(URI upstream) throws IOException {
    return new FaultProxy(upstream);
  }

  /** The proxy's endpoint, for the S3 client. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** What to do with the nth request (from 1); also restarts the count. */
  public void plan(IntFunction<Fault> value) {
    count.set(0);
    heads.clear();
    plan = value;
  }

  /** Requests seen since the plan was set. */
  public int requests() {
    return count.get();
  }

  /** The request line and headers of every request since the plan was set, in arrival order. */
  public List<String> heads() {
    synchronized (heads) {
      return List.copyOf(heads);
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    connections.shutdownNow();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        connections.execute(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      String head = readHead(in);
      if (head == null) {
        return;
      }
      boolean expectsContinue = header(head, "expect").equalsIgnoreCase("100-continue");
      if (expectsContinue) {
        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      byte[] body = readBody(in, head);
      int n = count.incrementAndGet();
      heads.add(head);
      Fault fault = plan.apply(n);
      switch (fault) {
        case FAIL -> {
          byte[] error =
              ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code>"
                      + "<Message>Injected by the test's proxy (request "
                      + n
                      + ")</Message></Error>")
                  .getBytes(StandardCharsets.UTF_8);
          out.write(
              ("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\n"
                      + "Content-Length: "
                      + error.length
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(error);
          out.flush();
        }
        case STALL -> {
          // Silent until the client hangs up (or the proxy closes).
          while (in.read() >= 0) {
            // keep waiting
          }
        }
        case PASS, CUT -> {
          byte[] answer = forward(head, body);
          out.write(answer, 0, fault == Fault.CUT ? answer.length / 2 : answer.length);
          out.flush();
        }
      }
    } catch (IOException e) {
      // The client or the server went away: so does this connection.
    }
  }

  /** Sends the request upstream on a connection of its own and returns the whole answer. */
  private byte[] forward(String head, byte[] body) throws IOException {
    StringBuilder request = new StringBuilder();
    String[] lines = head.split("\r\n");
    request.append(lines[0]).append("\r\n");
    for (int i = 1; i < lines.length; i++) {
      String name = lines[i].substring(0, Math.max(0, lines[i].indexOf(':'))).trim();
      if (!name.equalsIgnoreCase("connection") && !name.equalsIgnoreCase("expect")) {
        request.append(lines[i]).append("\r\n");
      }
    }
    request.append("Connection: close\r\n\r\n");
    try (Socket server = new Socket(upstream.getHost(), upstream.getPort())) {
      OutputStream out = server.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      byte[] answer = server.getInputStream().readAllBytes();
      return closing(answer);
    } catch (SocketException e) {
      throw new IOException(e);
    }
  }

  /** The answer with {@code Connection: close}, since this connection ends after it. */
  private static byte[] closing(byte[] answer) {
    String text = new String(answer, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0 || header(text.substring(0, end), "connection").equalsIgnoreCase("close")) {
      return answer;
    }
    return (text.substring(0, end) + "\r\nConnection: close" + text.substring(end))
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int b = in.read(); b >= 0; b = in.read()) {
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
      }
    }
    return null;
  }

  private static byte[] readBody(InputStream in, String head) throws IOException {
    if (header(head, "transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in);
        raw.writeBytes((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
        if (size == 0) {
          for (String trailer = readLine(in); ; trailer = readLine(in)) {
            raw.writeBytes((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (trailer.isEmpty()) {
              return raw.toByteArray();
            }
          }
        }
        raw.writeBytes(in.readNBytes(size + 2));
      }
    }
    String length = header(head, "content-length");
    return length.isEmpty() ? new byte[0] : in.readNBytes(Integer.parseInt(length.trim()));
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    throw new IOException("The connection ended inside a chunked body");
  }

  /** A header's value, or empty. */
  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return "";
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return work -> {
      Thread thread = new Thread(work, "fault-proxy");
      thread.setDaemon(true);
      return thread;
    };
  }
}
