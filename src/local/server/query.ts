import { ApiError } from "../errors.js";
import type { PatchType } from "../store/store-types.js";
import type { IncludeObject } from "./table.js";

/** Patch types by the Content-Type that names them. */
export const PATCH_TYPES: Record<string, PatchType> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
};

/** 415 for a PATCH whose Content-Type is no patch type. */
export const unsupportedMediaType = (): ApiError =>
  new ApiError(
    415,
    "UnsupportedMediaType",
    "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json",
  );

/** `includeObject` of a table request (Metadata unless None or Object). */
export function includeOf(q: URLSearchParams): IncludeObject {
  const v = q.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

/** The field manager of a request that names none: the client's name from its User-Agent. */
export function defaultManager(userAgent: string | undefined): string | undefined {
  if (userAgent === undefined || userAgent === "") return undefined;
  return userAgent.split("/")[0]?.slice(0, 128);
}

/** `o` without its undefined properties (for exactOptionalPropertyTypes). */
export function clean<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
