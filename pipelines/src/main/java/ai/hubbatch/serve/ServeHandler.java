package ai.hubbatch.serve;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one HTTP request, as the model server (MMS) routes SageMaker's: the path alone decides,
 * query strings and unknown headers are ignored, an unknown path is MMS's 404.
 */
final class ServeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeHandler.class);

  private final InferenceServer server;

  ServeHandler(InferenceServer server) {
    this.server = server;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request) && !server.draining();
    if (!request.decoderResult().isSuccess()) {
      write(ctx, HttpAnswer.error(400, "BadRequestException", "Invalid HTTP message."), false);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path().replaceAll("/+$", "");
    HttpMethod method = request.method();
    switch (path) {
      case "/ping":
        write(
            ctx,
            server.draining()
                ? new HttpAnswer(503, "application/json", ErrorBodies.status("Unhealthy"))
                : new HttpAnswer(200, "application/json", ErrorBodies.status("Healthy")),
            keepAlive);
        return;
      case "/execution-parameters":
        if (!method.equals(HttpMethod.GET)) {
          write(ctx, methodNotAllowed(), keepAlive);
          return;
        }
        write(ctx, HttpAnswer.json(200, server.settings().executionParameters()), keepAlive);
        return;
      case "/invocations":
        if (!method.equals(HttpMethod.POST)) {
          write(ctx, methodNotAllowed(), keepAlive);
        } else if (server.draining()) {
          write(
              ctx,
              HttpAnswer.error(503, "ServiceUnavailableException", "The server is shutting down"),
              false);
        } else {
          // The body outlives this call; Netty releases the request's buffer when it returns.
          byte[] body = ByteBufUtil.getBytes(request.content());
          server.invoke(
              request.headers().get(HttpHeaderNames.CONTENT_TYPE),
              request.headers().get(HttpHeaderNames.ACCEPT),
              body,
              answer -> write(ctx, answer, keepAlive));
        }
        return;
      default:
        write(
            ctx,
            HttpAnswer.error(
                404,
                "ResourceNotFoundException",
                "Requested resource is not found, please refer to API document."),
            keepAlive);
    }
  }

  private static HttpAnswer methodNotAllowed() {
    return HttpAnswer.error(
        405,
        "MethodNotAllowedException",
        "Requested method is not allowed, please refer to API document.");
  }

  /** Writes an answer; safe from any thread, as Netty hands the write to the channel's loop. */
  private static void write(ChannelHandlerContext ctx, HttpAnswer answer, boolean keepAlive) {
    if (answer.status() >= 500) {
      LOG.warn("{}: {}", answer.status(), new String(answer.body(), StandardCharsets.UTF_8));
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(answer.status()),
            Unpooled.wrappedBuffer(answer.body()));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
    HttpUtil.setKeepAlive(response, keepAlive);
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Connection error", cause);
    ctx.close();
  }
}
