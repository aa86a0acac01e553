import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  decodeBlob,
  encodeBlob,
  StoredCompression,
  type Compression,
} from "../../../src/mover/blob-codec.js";
import {
  BlobType,
  packIdOfKey,
  packKey,
  packTrailer,
  readPackHeader,
  type PackedBlob,
} from "../../../src/mover/pack.js";
import { deriveKey, sha256Hex } from "../../../src/repository/crypto.js";

const key = deriveKey("pack test secret");

async function buildPack(blobs: Uint8Array[], options: { compression: Compression; withKey: boolean }) {
  const parts: Uint8Array[] = [];
  const entries: PackedBlob[] = [];
  let offset = 0;
  for (const plain of blobs) {
    const encoded = await encodeBlob(plain, {
      compression: options.compression,
      key: options.withKey ? key : undefined,
    });
    entries.push({
      id: sha256Hex(plain),
      type: BlobType.Data,
      compression: encoded.compression,
      offset,
      length: encoded.length,
      rawLength: plain.byteLength,
    });
    parts.push(...encoded.parts);
    offset += encoded.length;
  }
  parts.push(packTrailer(entries, options.withKey ? key : undefined));
  return { bytes: Buffer.concat(parts), entries };
}

describe("packs", () => {
  const blobs = [randomBytes(5000), Buffer.alloc(70000, "ferry "), randomBytes(1), Buffer.alloc(0)];

  it.each([
    { compression: "off" as const, withKey: false },
    { compression: "off" as const, withKey: true },
    { compression: "deflate" as const, withKey: false },
    { compression: "deflate" as const, withKey: true },
  ])("round-trips blobs and header (compression $compression, encrypted $withKey)", async (options) => {
    const { bytes, entries } = await buildPack(blobs, options);
    const header = readPackHeader(bytes, options.withKey ? key : undefined, "p");
    expect(header).toEqual(entries);
    for (const [i, entry] of header.entries()) {
      const plain = decodeBlob(bytes.subarray(entry.offset, entry.offset + entry.length), {
        compression: entry.compression,
        key: options.withKey ? key : undefined,
      });
      expect(Buffer.from(plain).equals(blobs[i]!)).toBe(true);
    }
    // Compressible text is stored deflated only in deflate mode; random bytes never are.
    expect(header[1]!.compression).toBe(
      options.compression === "deflate" ? StoredCompression.Deflate : StoredCompression.None,
    );
    expect(header[0]!.compression).toBe(StoredCompression.None);
  });

  it.each([
    ["a truncated pack", (b: Buffer) => b.subarray(0, b.length - 3)],
    [
      "a corrupted trailer length",
      (b: Buffer) =>
        Buffer.concat([
          b.subarray(0, b.length - 8),
          Buffer.from([255, 255, 255, 127]),
          b.subarray(b.length - 4),
        ]),
    ],
    [
      "a flipped header byte",
      (b: Buffer) => {
        const c = Buffer.from(b);
        c[c.length - 20]! ^= 1;
        return c;
      },
    ],
  ])("reports %s as an Integrity error", async (_name, damage) => {
    const { bytes } = await buildPack(blobs, { compression: "off", withKey: true });
    expect(() => readPackHeader(damage(bytes), key, "p1")).toThrow(
      expect.objectContaining({ code: "Integrity" }),
    );
  });

  it("fails to open a sealed blob with the wrong key", async () => {
    const encoded = await encodeBlob(randomBytes(100), { compression: "off", key });
    expect(() =>
      decodeBlob(Buffer.concat(encoded.parts), { compression: 0, key: deriveKey("other") }),
    ).toThrow(expect.objectContaining({ code: "Integrity" }));
  });

  it.each([
    [packKey("ab".repeat(32)), "ab".repeat(32)],
    ["packs/ab/xyz", undefined],
    ["index/" + "ab".repeat(32), undefined],
  ])("parses the pack id of %s", (key, id) => {
    expect(packIdOfKey(key)).toBe(id);
  });
});
