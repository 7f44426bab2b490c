package ai.hubbatch.serve;

import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SageMaker inference HTTP server: {@code GET /ping}, {@code POST /invocations} and {@code GET
 * /execution-parameters} for one loaded model.
 *
 * <pre>{@code
 * try (InferenceServer server = InferenceServer.start(model, ServeSettings.fromEnvironment(env))) {
 *   server.awaitClosed();
 * }
 * }</pre>
 *
 * <p>Netty reads requests on its event loops and answers {@code /ping} there, so health checks
 * never wait behind inference. Invocations run on a pool of {@code maxConcurrent} request threads,
 * each with its own predictor for tokenizing; up to {@code queueSize} more wait for a thread, and
 * beyond that a request gets 503. The tokenized records go to the {@link DynamicBatcher}, whose
 * engine workers batch them across requests.
 *
 * <p>{@link #drain} (SIGTERM) closes the port, answers requests still arriving on open connections
 * with 503, and waits for those in flight.
 */
public final class InferenceServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);

  private final ServeSettings settings;
  private final ServerStats stats = new ServerStats();
  private final DynamicBatcher batcher;
  private final Invocations invocations;
  private final ThreadPoolExecutor requestThreads;
  private final ThreadLocal<BatchPredictor> predictors = new ThreadLocal<>();
  private final EventLoopGroup acceptor = new NioEventLoopGroup(1);
  private final EventLoopGroup io = new NioEventLoopGroup(2);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean draining;
  private Channel channel;

  private InferenceServer(LoadedModel model, ServeSettings settings) {
    this.settings = settings;
    this.batcher = new DynamicBatcher(model, settings, stats);
    this.invocations = new Invocations(model.task().name(), batcher, settings);
    BlockingQueue<Runnable> waiting =
        settings.queueSize() == 0
            ? new SynchronousQueue<>()
            : new ArrayBlockingQueue<>(settings.queueSize());
    this.requestThreads =
        new ThreadPoolExecutor(
            settings.maxConcurrent(),
            settings.maxConcurrent(),
            0,
            TimeUnit.MILLISECONDS,
            waiting,
            requestThreads(model));
  }

  /**
   * Starts serving a loaded model.
   *
   * @throws IllegalArgumentException if the port cannot be bound
   */
  public static InferenceServer start(LoadedModel model, ServeSettings settings)
      throws InterruptedException {
    InferenceServer server = new InferenceServer(model, settings);
    try {
      server.bind();
    } catch (InterruptedException e) {
      server.drain(Duration.ZERO);
      throw e;
    } catch (Exception e) {
      // Netty rethrows the bind's checked exceptions (BindException) without declaring them.
      server.drain(Duration.ZERO);
      throw new ConfigurationException(
          "Cannot listen on "
              + settings.connections().describe(settings.port())
              + ": "
              + e.getMessage(),
          e);
    }
    return server;
  }

  private void bind() throws InterruptedException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptor, io)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ReadTimeouts timeouts = new ReadTimeouts(settings.connections());
                    ch.pipeline()
                        .addLast(timeouts.firstByte())
                        .addLast(new HttpServerCodec())
                        .addLast(timeouts)
                        .addLast(new Aggregator(settings.maxRequestBytes()))
                        .addLast(new ServeHandler(InferenceServer.this));
                  }
                });
    String address = settings.connections().bindAddress();
    InetSocketAddress local =
        address == null
            ? new InetSocketAddress(settings.port())
            : new InetSocketAddress(address, settings.port());
    if (local.isUnresolved()) {
      throw new ConfigurationException("the address " + address + " is not known");
    }
    channel = bootstrap.bind(local).sync().channel();
  }

  /** Each request thread tokenizes with a predictor of its own, closed when the thread ends. */
  private ThreadFactory requestThreads(LoadedModel model) {
    AtomicInteger count = new AtomicInteger();
    return work -> {
      Thread thread =
          new Thread(
              () -> {
                try (BatchPredictor predictor =
                    model.newPredictor(settings.limits(), InferenceListener.NONE)) {
                  predictors.set(predictor);
                  work.run();
                }
              },
              "hubbatch-request-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The port the server listens on (the one bound when the settings asked for 0). */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** What the engine has run so far. */
  public ServerStats stats() {
    return stats;
  }

  ServeSettings settings() {
    return settings;
  }

  boolean draining() {
    return draining;
  }

  /**
   * Answers an invocation on a request thread.
   *
   * @param done called once with the answer, on any thread
   */
  void invoke(String contentType, String accept, byte[] body, Consumer<HttpAnswer> done) {
    int now = inFlight.incrementAndGet();
    LOG.debug("Invocation of {} bytes taken in; {} in flight", body.length, now);
    Consumer<HttpAnswer> finish =
        answer -> {
          try {
            done.accept(answer);
          } finally {
            inFlight.decrementAndGet();
          }
        };
    try {
      requestThreads.execute(
          () -> finish.accept(invocations.answer(predictors.get(), contentType, accept, body)));
    } catch (RejectedExecutionException e) {
      // The model server's words when its job queue is full.
      finish.accept(
          HttpAnswer.error(
              503,
              "ServiceUnavailableException",
              "No worker is available to serve request for model: model. Consider increasing job "
                  + "queue size."));
    }
  }

  /** Waits until {@link #drain} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /**
   * Stops taking connections, waits up to {@code timeout} for requests in flight, then stops the
   * request threads, the engine workers and the event loops.
   *
   * @return whether every request in flight was answered
   */
  public boolean drain(Duration timeout) {
    draining = true;
    if (channel != null) {
      channel.close().awaitUninterruptibly();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    int waiting = inFlight.get();
    if (waiting > 0) {
      LOG.info("Draining {} request(s) in flight", waiting);
    }
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    boolean drained = inFlight.get() == 0;
    requestThreads.shutdownNow();
    batcher.close(drained ? Duration.ofSeconds(5) : Duration.ZERO);
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    closed.countDown();
    return drained;
  }

  @Override
  public void close() {
    if (closed.getCount() > 0) {
      drain(settings.drainTimeout());
    }
  }

  /** Netty's aggregator answers 413 with no body, as the model server does; this logs it. */
  private static final class Aggregator extends HttpObjectAggregator {
    private final int limit;

    Aggregator(int limit) {
      super(limit);
      this.limit = limit;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
        throws Exception {
      LOG.warn(
          "413: a request to {} was larger than {} bytes (SAGEMAKER_MAX_PAYLOAD_IN_MB)",
          oversized instanceof io.netty.handler.codec.http.HttpRequest request
              ? request.uri()
              : "?",
          limit);
      super.handleOversizedMessage(ctx, oversized);
    }
  }
}
