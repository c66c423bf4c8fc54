/**
 * The request stream of Spark Connect's `AddArtifacts` RPC (base.proto): small artifacts go in
 * batches of `SingleChunkArtifact`s, a large one as a `BeginChunkedArtifact` followed by
 * `ArtifactChunk`s; every chunk carries its CRC-32 so the server can check it. Pure: no I/O here.
 */

import { crc32 } from "node:zlib";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  type AddArtifactsRequest,
  AddArtifactsRequestSchema,
  type UserContext,
} from "../gen/spark/connect/base_pb.js";

/** One artifact to send: its server-side relative path (`jars/udf.jar`, `files/x.txt`) and bytes. */
export interface Artifact {
  name: string;
  data: Uint8Array;
}

/** Bytes per chunk and per batch: 32 KiB, the size PySpark's client uses, well under gRPC's 4 MiB limit. */
export const ARTIFACT_CHUNK_BYTES = 32 * 1024;

type Payload = MessageInitShape<typeof AddArtifactsRequestSchema>["payload"];

const chunk = (data: Uint8Array) => ({ data, crc: BigInt(crc32(data)) });

/**
 * The payloads for `artifacts`, in order: consecutive small artifacts share a batch up to
 * {@link ARTIFACT_CHUNK_BYTES}; an artifact larger than that is sent alone, in chunks of that size.
 */
export function artifactPayloads(
  artifacts: readonly Artifact[],
  chunkBytes = ARTIFACT_CHUNK_BYTES,
): Payload[] {
  const out: Payload[] = [];
  let batch: Artifact[] = [];
  let batchBytes = 0;
  const flush = () => {
    if (batch.length)
      out.push({
        case: "batch",
        value: { artifacts: batch.map((a) => ({ name: a.name, data: chunk(a.data) })) },
      });
    batch = [];
    batchBytes = 0;
  };
  for (const a of artifacts) {
    if (a.data.length > chunkBytes) {
      flush();
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < a.data.length; at += chunkBytes)
        pieces.push(a.data.subarray(at, at + chunkBytes));
      out.push({
        case: "beginChunk",
        value: {
          name: a.name,
          totalBytes: BigInt(a.data.length),
          numChunks: BigInt(pieces.length),
          initialChunk: chunk(pieces[0]!),
        },
      });
      for (const p of pieces.slice(1)) out.push({ case: "chunk", value: chunk(p) });
      continue;
    }
    if (batchBytes + a.data.length > chunkBytes) flush();
    batch.push(a);
    batchBytes += a.data.length;
  }
  flush();
  return out;
}

/** The full requests: each payload with the session fields (`base`) every request carries. */
export function artifactRequests(
  base: {
    sessionId: string;
    userContext?: UserContext;
    clientType?: string;
    clientObservedServerSideSessionId?: string;
  },
  artifacts: readonly Artifact[],
): AddArtifactsRequest[] {
  return artifactPayloads(artifacts).map((payload) =>
    create(AddArtifactsRequestSchema, { ...base, payload }),
  );
}
