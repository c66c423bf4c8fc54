/**
 * Arrow IPC bytes at an 8-byte boundary without a second buffer.
 *
 * The Arrow format asks for buffers aligned to 8 bytes (Arrow columnar format, "Buffer alignment
 * and padding"), and apache-arrow's `MessageReader.readMessageBody` copies a record batch body
 * into a new buffer when it is not. A Spark result batch sits inside its protobuf message
 * (`ArrowBatch.data`) at whatever offset the fields before it leave, so about 7 in 8 bodies were
 * copied: one more allocation of the batch's size (~1 MiB) per response, which fed the garbage
 * collector (bench/README.md, "Client: where the time goes").
 *
 * When the few bytes in front of the Arrow bytes are free to overwrite (they held the protobuf
 * field headers, already decoded), the Arrow bytes can instead be moved down to the boundary
 * below them, in place: one `copyWithin` (a memmove) over memory that is already mapped.
 */

/** Arrow's buffer alignment, bytes. */
export const ARROW_ALIGNMENT = 8;

/**
 * Returns `bytes` itself when it starts at an 8-byte boundary of its ArrayBuffer; otherwise moves
 * its content down to the boundary below (by 1–7 bytes, overwriting the bytes just in front of it)
 * and returns a view of the moved bytes in the same ArrayBuffer. After a move, `bytes` (and any
 * other view over those bytes) shows shifted content: the caller must own the bytes in front
 * and drop `bytes`.
 */
export function alignInPlace(bytes: Uint8Array): Uint8Array {
  const shift = bytes.byteOffset % ARROW_ALIGNMENT;
  if (shift === 0) return bytes;
  const span = new Uint8Array(bytes.buffer, bytes.byteOffset - shift, bytes.byteLength + shift);
  span.copyWithin(0, shift);
  return span.subarray(0, bytes.byteLength);
}
