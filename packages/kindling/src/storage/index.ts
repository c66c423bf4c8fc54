/** S3-compatible storage for Kindling: a local store for development and tests, and s3a for Spark. */
export {
  credentialsEnv,
  credentialsFromEnv,
  type S3Credentials,
  s3Credentials,
} from "./credentials.js";
export { S3StoreError, type S3StoreErrorCode } from "./errors.js";
export {
  createBucket,
  getObjectText,
  listBuckets,
  listObjects,
  putObject,
  type S3ClientOptions,
  type S3ObjectInfo,
  s3Client,
} from "./objects.js";
export { committedFiles, SUCCESS_MARKER } from "./publish.js";
export { type S3Server, type S3ServerOptions, startS3Server } from "./server.js";
export { SPARK_S3_PROFILE, type SparkS3Options, sparkS3ServerOptions } from "./spark-s3.js";
export { uploadDirectory } from "./upload.js";
export { type S3StoreBinary, type S3StoreKind, storageVersionsPath, storeBinary } from "./versions.js";
