package ai.hubbatch.io.s3;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Drops the S3 Bucket Key setting from requests that set it to {@code false}, which Beam's S3 file
 * system does on every upload and copy ({@code S3Options.getBucketKeyEnabled()} is a primitive
 * {@code false} by default), so the request carries no {@code
 * x-amz-server-side-encryption-bucket-key-enabled} header. {@code false} is what S3 does without
 * the header; {@code --bucketKeyEnabled=true} is kept as asked. The other encryption settings are
 * sent only when set ({@code --s3-sse}, {@code --SSEAlgorithm}, a transform job's {@code
 * KmsKeyId}), so nothing else needs removing.
 */
final class RequestedEncryption implements ExecutionInterceptor {

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    if (request instanceof CreateMultipartUploadRequest upload
        && Boolean.FALSE.equals(upload.bucketKeyEnabled())) {
      return upload.toBuilder().bucketKeyEnabled(null).build();
    }
    if (request instanceof CopyObjectRequest copy
        && Boolean.FALSE.equals(copy.bucketKeyEnabled())) {
      return copy.toBuilder().bucketKeyEnabled(null).build();
    }
    if (request instanceof PutObjectRequest put && Boolean.FALSE.equals(put.bucketKeyEnabled())) {
      return put.toBuilder().bucketKeyEnabled(null).build();
    }
    return request;
  }
}
