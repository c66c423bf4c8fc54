/** What went wrong with a local S3 store; stable for programs, the message is for people. */
export type S3StoreErrorCode =
  | "BINARY_MISSING"
  | "START_FAILED"
  | "CREDENTIALS_MISSING"
  | "VERSIONS_FILE"
  | "NOT_COMMITTED";

/** A failure of Kindling's S3 storage layer. Messages never contain a secret key. */
export class S3StoreError extends Error {
  readonly code: S3StoreErrorCode;
  /** The store's log file, when a server was involved. */
  readonly logFile: string | undefined;
  constructor(code: S3StoreErrorCode, message: string, logFile?: string) {
    super(message);
    this.name = "S3StoreError";
    this.code = code;
    this.logFile = logFile;
  }
}
