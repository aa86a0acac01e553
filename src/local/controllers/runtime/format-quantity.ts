const BINARY = [
  ["Ei", 2 ** 60],
  ["Pi", 2 ** 50],
  ["Ti", 2 ** 40],
  ["Gi", 2 ** 30],
  ["Mi", 2 ** 20],
  ["Ki", 2 ** 10],
] as const;

/** A quantity as Kubernetes prints it: the largest binary suffix that divides it, or millis. */
export function formatQuantity(value: number): string {
  if (value === 0) return "0";
  if (!Number.isInteger(value)) return `${Math.round(value * 1000)}m`;
  for (const [suffix, size] of BINARY) if (value % size === 0) return `${value / size}${suffix}`;
  return String(value);
}
