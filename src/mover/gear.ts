import { createHash } from "node:crypto";

/**
 * The 256-entry gear table of the FastCDC rolling hash, expanded from a seed with SHA-256 in
 * counter mode. An encrypted repository seeds it from its key, so chunk boundaries (and thus
 * chunk sizes) do not reveal which known files a repository holds — restic randomises its
 * Rabin polynomial for the same reason.
 */
export function gearTable(seed: Uint8Array | string = "ferry fastcdc gear v1"): Int32Array {
  const table = new Int32Array(256);
  const words = 8; // 32 bytes of SHA-256 give eight 32-bit entries
  for (let block = 0; block < 256 / words; block++) {
    const digest = createHash("sha256").update(seed).update(String(block)).digest();
    for (let w = 0; w < words; w++) table[block * words + w] = digest.readInt32LE(w * 4);
  }
  return table;
}
