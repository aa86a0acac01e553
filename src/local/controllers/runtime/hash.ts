/** Kubernetes' safe alphabet for generated names: no vowels, no look-alike characters. */
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** JSON with sorted keys, so equal objects hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** FNV-1a 32-bit, the hash the Deployment controller uses for pod-template-hash. */
function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** A short, name-safe hash of any JSON value (like `pod-template-hash`, e.g. "5d4f8c9b7"). */
export function templateHash(value: unknown): string {
  let n = fnv32a(stableJson(value));
  let out = "";
  do {
    out += ALPHANUMS[n % ALPHANUMS.length];
    n = Math.floor(n / ALPHANUMS.length);
  } while (n > 0);
  return out;
}
