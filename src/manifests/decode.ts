/** Why a file's bytes are not YAML text, or the text. */
export type Decoded = { readonly text: string } | { readonly reason: string };

/**
 * Decodes a desired-state file as UTF-8, refusing what cannot be YAML: invalid UTF-8 (a
 * fatal decoder, not replacement characters) and binary content (NUL bytes).
 */
export function decodeText(bytes: Uint8Array): Decoded {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { reason: "is not UTF-8 text (a binary file?); manifests must be UTF-8 YAML" };
  }
  if (text.includes("\u0000"))
    return { reason: "is a binary file (contains NUL bytes); manifests must be UTF-8 YAML" };
  return { text };
}
