/** A JSON object as decoded: string keys, values not yet checked. */
export type Obj = Record<string, unknown>;

/** Whether `v` is a JSON object (not null, not an array). */
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
