import { SparkConnectError } from "../errors.js";

/** The parts of a Spark Connect URL: `sc://host[:port]/;token=…;user_id=…;use_ssl=true;session_id=…`. */
export interface ConnectionSpec {
  /** Host name or IP address (IPv6 without its brackets). */
  host: string;
  /** TCP port; 15002 (Spark Connect's default) when the URL has none. */
  port: number;
  /** TLS on (`use_ssl=true`); false by default. */
  useSsl: boolean;
  /** Bearer token sent with every call (`token=`). */
  token?: string;
  /** The user the server attributes the session to (`user_id=`; default `$USER`, else `kindling`). */
  userId: string;
  /** The client's user agent (`user_agent=`; default `kindling-spark-connect`). */
  userAgent: string;
  /** A session to join (`session_id=`, a UUID); a fresh one when absent. */
  sessionId?: string;
  /** Any other `;key=value` parameters; sent to the server as gRPC metadata. */
  headers: Record<string, string>;
}

export const DEFAULT_PORT = 15002;

/**
 * Parses a Spark Connect URL (the format PySpark and the Scala client accept). Throws
 * INVALID_ARGUMENT with what is wrong when the URL is malformed.
 */
export function parseConnectUrl(url: string): ConnectionSpec {
  const bad = (why: string) =>
    new SparkConnectError(
      "INVALID_ARGUMENT",
      `Invalid Spark Connect URL "${url}": ${why}. Expected sc://host:port/;token=…`,
    );
  if (!url.startsWith("sc://")) throw bad("it must start with sc://");
  const rest = url.slice(5);
  const [hostPart = "", ...paramParts] = rest.split(";");
  const hostPort = hostPart.replace(/\/$/, "");
  if (hostPort.includes("/")) throw bad("the path must be empty (parameters follow ';')");
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort);
  if (!m?.[1]) throw bad("missing host");
  const spec: ConnectionSpec = {
    host: m[1].replace(/^\[|\]$/g, ""),
    port: m[2] ? Number(m[2]) : DEFAULT_PORT,
    useSsl: false,
    userId: process.env.USER ?? "kindling",
    userAgent: "kindling-spark-connect",
    headers: {},
  };
  for (const p of paramParts) {
    if (!p) continue;
    const eq = p.indexOf("=");
    if (eq <= 0) throw bad(`parameter "${p}" is not key=value`);
    const key = p.slice(0, eq);
    const value = decodeURIComponent(p.slice(eq + 1));
    switch (key) {
      case "token":
        spec.token = value;
        spec.useSsl = spec.useSsl || false;
        break;
      case "use_ssl":
        spec.useSsl = value.toLowerCase() === "true";
        break;
      case "user_id":
        spec.userId = value;
        break;
      case "user_agent":
        spec.userAgent = value;
        break;
      case "session_id":
        if (!/^[0-9a-f-]{36}$/i.test(value)) throw bad("session_id must be a UUID");
        spec.sessionId = value;
        break;
      default:
        spec.headers[key] = value;
    }
  }
  return spec;
}
