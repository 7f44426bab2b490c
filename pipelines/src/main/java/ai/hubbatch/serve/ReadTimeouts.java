package ai.hubbatch.serve;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read timeouts of one connection ({@link Connections}): a client that sends its request too
 * slowly gets 408 and the connection is closed; a kept-alive connection left idle is closed.
 *
 * <p>It sits after the HTTP decoder, where it sees each request's headers ({@link HttpRequest}) and
 * end ({@link LastHttpContent}) and each response's end; {@link #firstByte()} sits before the
 * decoder and starts the header clock when a kept-alive connection's next request begins. Every
 * call comes on the connection's event loop, so the state needs no locking.
 */
final class ReadTimeouts extends ChannelDuplexHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ReadTimeouts.class);

  /** What the connection waits for. */
  private enum Waiting {
    /** The request line and headers. */
    HEADERS,
    /** The rest of the body. */
    BODY,
    /** The answer, which is ours to give: no read timeout. */
    ANSWER,
    /** The next request on a kept-alive connection. */
    NEXT
  }

  private final Connections limits;
  private ChannelHandlerContext context;
  private Waiting waiting = Waiting.HEADERS;
  private ScheduledFuture<?> timer;

  ReadTimeouts(Connections limits) {
    this.limits = limits;
  }

  /** The handler to put before the HTTP decoder. */
  ChannelHandler firstByte() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waiting == Waiting.NEXT) {
          expect(Waiting.HEADERS, limits.headerTimeout());
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    expect(Waiting.HEADERS, limits.headerTimeout());
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest) {
      expect(Waiting.BODY, limits.bodyTimeout());
    }
    if (msg instanceof LastHttpContent) {
      expect(Waiting.ANSWER, Duration.ZERO);
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    boolean interim =
        msg instanceof HttpResponse response
            && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    if (msg instanceof LastHttpContent && !interim) {
      promise.addListener(
          written -> {
            // A pipelined request may already be on its way; its own clock then runs.
            if (written.isSuccess() && ctx.channel().isOpen() && waiting == Waiting.ANSWER) {
              expect(Waiting.NEXT, limits.idleTimeout());
            }
          });
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  private void expect(Waiting next, Duration within) {
    cancel();
    waiting = next;
    if (!within.isZero() && context != null) {
      timer =
          context
              .executor()
              .schedule(() -> expired(next), within.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expired(Waiting what) {
    if (waiting != what || !context.channel().isOpen()) {
      return;
    }
    if (what == Waiting.NEXT) {
      context.close();
      return;
    }
    LOG.info(
        "408: {} did not send its request's {} in time; connection closed",
        context.channel().remoteAddress(),
        what == Waiting.HEADERS ? "headers" : "body");
    byte[] body =
        ErrorBodies.error(
            408,
            "RequestTimeoutException",
            "The request "
                + (what == Waiting.HEADERS ? "headers" : "body")
                + " did not arrive within "
                + (what == Waiting.HEADERS ? limits.headerTimeout() : limits.bodyTimeout())
                    .toSeconds()
                + " s");
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT, Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    waiting = Waiting.ANSWER;
    context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
