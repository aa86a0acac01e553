/** A JSON object as decoded: string keys, values not yet checked. */
export type Obj = Record<string, unknown>;

/** Whether `v` is a JSON object (not null, not an array). */
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** `v` when it is a JSON object, else an empty one (for reading optional nested fields). */
export const asObj = (v: unknown): Obj => (isObj(v) ? v : {});

/** `v` when it is a JSON object, else undefined. */
export const maybeObj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);

/** The JSON objects of `v` when it is an array (other items dropped), else none. */
export const asList = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
