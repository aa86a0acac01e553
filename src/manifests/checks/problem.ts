import { formatPath } from "../paths.js";
import type { FieldPath, LoadedObject, Problem, ProblemCode, Severity, SourceLocation } from "../types.js";

/** A problem at a field of a loaded object. */
export function problemAt(
  object: LoadedObject,
  path: FieldPath,
  code: ProblemCode,
  message: string,
  severity: Severity = "error",
): Problem {
  return { ...object.locate(path), path: formatPath(path), message, code, severity };
}

/** `environments/prod/shop.yaml:12:3`, for messages that point at a second place. */
export function where(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** `Migration shop/shop-to-west` or `Fleet prod`. */
export function describe(object: LoadedObject): string {
  const { kind, metadata } = object.manifest;
  return metadata.namespace === undefined
    ? `${kind} ${metadata.name}`
    : `${kind} ${metadata.namespace}/${metadata.name}`;
}
