/**
 * S3 and S3-compatible stores through Beam's aws2 file system: endpoint, addressing and
 * credentials.
 */
package ai.hubbatch.io.s3;
