package ai.hubbatch.io.s3;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What an S3 failure means for the user, and what fixes it. */
public final class S3Errors {

  private S3Errors() {}

  /**
   * Explains a failure of an S3 request found anywhere in a cause chain.
   *
   * @return the explanation, naming the fix; empty when the chain holds no S3 failure
   */
  public static Optional<String> explain(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof S3Exception s3) {
        return Optional.of(explain(s3));
      }
      if (cause instanceof SdkClientException client) {
        return Optional.of(explain(client));
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return Optional.empty();
  }

  private static String explain(S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String said = "S3 said " + e.statusCode() + (code == null ? "" : " " + code);
    if ("NoSuchBucket".equals(code)) {
      return "the bucket does not exist (" + said + "): create it, or fix the bucket's name";
    }
    if ("InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)) {
      return "S3 does not accept the credentials ("
          + said
          + "): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the profile in use";
    }
    if ("AccessDenied".equals(code) || e.statusCode() == 403) {
      return "the credentials in use may not do this ("
          + said
          + "): grant them s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on the"
          + " bucket, or use other credentials";
    }
    if (e.statusCode() == 501) {
      return "the store does not implement a request hubbatch sent ("
          + said
          + "); "
          + e.getMessage();
    }
    return said + ": " + e.getMessage();
  }

  private static String explain(SdkClientException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
        return "the S3 endpoint cannot be reached ("
            + cause
            + "): check --s3-endpoint or AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, and the network";
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    String message = String.valueOf(e.getMessage());
    if (message.contains("credentials")) {
      return "no AWS credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or"
          + " AWS_PROFILE, or pass --awsCredentialsProvider=... ("
          + message
          + ")";
    }
    return message;
  }
}
