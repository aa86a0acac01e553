import { FerryError } from "../core/errors.js";
import { isSealed, open, seal, sha256Hex, type RepositoryKey } from "./crypto.js";
import type { ObjectStore } from "./object-store.js";

/**
 * Named JSON documents of the repository (backup manifests): stored as
 * `{"format", "checksum": "sha256:…", "body"}` so a reader detects corruption even in an
 * unencrypted repository, and sealed as a whole when a key is configured.
 */
interface Envelope {
  readonly format: string;
  readonly checksum: string;
  readonly body: unknown;
}

/** Writes `body` under `key` as a checksummed (and, with a key, sealed) document. */
export async function putDocument(
  store: ObjectStore,
  key: string,
  doc: { readonly format: string; readonly body: unknown; readonly repositoryKey: RepositoryKey | undefined },
): Promise<number> {
  const envelope: Envelope = { format: doc.format, checksum: checksumOf(doc.body), body: doc.body };
  const plain = Buffer.from(`${JSON.stringify(envelope, null, 2)}\n`);
  const bytes = doc.repositoryKey === undefined ? plain : seal(doc.repositoryKey, plain);
  await store.put(key, bytes);
  return bytes.byteLength;
}

/**
 * Reads a document written by `putDocument`, verifying its seal, format and checksum.
 * NotFound passes through from the store.
 */
export async function getDocument(
  store: ObjectStore,
  key: string,
  doc: { readonly format: string; readonly repositoryKey: RepositoryKey | undefined },
): Promise<unknown> {
  const raw = await store.get(key);
  const sealed = isSealed(raw);
  if (sealed && doc.repositoryKey === undefined) {
    throw new FerryError("Invalid", `${key} is encrypted, but no repository key is configured`, {
      data: { key },
    });
  }
  if (!sealed && doc.repositoryKey !== undefined) {
    throw new FerryError("Integrity", `${key} is not encrypted, but the repository is`, { data: { key } });
  }
  let plain: Uint8Array;
  try {
    plain = doc.repositoryKey === undefined ? raw : open(doc.repositoryKey, raw);
  } catch (cause) {
    throw new FerryError("Integrity", `${key} failed authentication: wrong key or corrupted data`, {
      data: { key },
      cause,
    });
  }
  let envelope: Partial<Envelope>;
  try {
    envelope = JSON.parse(Buffer.from(plain).toString("utf8")) as Partial<Envelope>;
  } catch (cause) {
    throw new FerryError("Integrity", `${key} is not valid JSON`, { data: { key }, cause });
  }
  if (typeof envelope !== "object" || envelope === null || envelope.format !== doc.format) {
    throw new FerryError("Integrity", `${key} is not a ${doc.format} document`, { data: { key } });
  }
  if (envelope.checksum !== checksumOf(envelope.body)) {
    throw new FerryError("Integrity", `${key} does not match its checksum`, { data: { key } });
  }
  return envelope.body;
}

// JSON.stringify of a value parsed from JSON.stringify output reproduces that output exactly,
// so the checksum can be recomputed from the parsed body.
function checksumOf(body: unknown): string {
  return `sha256:${sha256Hex(Buffer.from(JSON.stringify(body) ?? "null"))}`;
}
