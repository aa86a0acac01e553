/**
 * Kubernetes resource quantities (`10Gi`, `1.5G`, `500M`, `1e9`) as numbers of base units.
 * @kubernetes/client-node's `quantityToScalar` is not exported from its entry point and
 * rejects fractional binary quantities such as `1.5Gi`, which PVC requests may use; the
 * grammar is small, so the engine parses it here.
 */
import { err, ok, type Result } from "../core/result.js";

const SUFFIXES: ReadonlyMap<string, number> = new Map([
  ["", 1],
  ["n", 1e-9],
  ["u", 1e-6],
  ["m", 1e-3],
  ["k", 1e3],
  ["M", 1e6],
  ["G", 1e9],
  ["T", 1e12],
  ["P", 1e15],
  ["E", 1e18],
  ["Ki", 2 ** 10],
  ["Mi", 2 ** 20],
  ["Gi", 2 ** 30],
  ["Ti", 2 ** 40],
  ["Pi", 2 ** 50],
  ["Ei", 2 ** 60],
]);

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** The quantity in base units (bytes for storage), or why it is not a quantity. */
export function parseQuantity(text: string | number): Result<number, string> {
  if (typeof text === "number") return Number.isFinite(text) ? ok(text) : err(`invalid quantity ${text}`);
  const match = QUANTITY.exec(text.trim());
  if (match === null) return err(`invalid quantity "${text}"`);
  const [, number = "", exponent, suffix = ""] = match;
  const value =
    exponent === undefined ? Number(number) * (SUFFIXES.get(suffix) ?? 1) : Number(`${number}${exponent}`);
  return Number.isFinite(value) ? ok(value) : err(`invalid quantity "${text}"`);
}

/** Formats bytes for messages in the largest binary unit that keeps it whole (`10Gi`, `1536Mi`). */
export function formatBytes(bytes: number): string {
  for (const [suffix, factor] of [
    ["Ei", 2 ** 60],
    ["Pi", 2 ** 50],
    ["Ti", 2 ** 40],
    ["Gi", 2 ** 30],
    ["Mi", 2 ** 20],
    ["Ki", 2 ** 10],
  ] as const) {
    if (bytes >= factor && Number.isInteger(bytes / factor)) return `${bytes / factor}${suffix}`;
  }
  return String(Math.ceil(bytes));
}
