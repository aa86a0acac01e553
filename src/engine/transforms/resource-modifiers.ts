/**
 * Resource modifiers: RFC 6902 JSON patches (applied with fast-json-patch) to objects matching
 * `{kind?, name?, namespace?}`. A modifier whose `test` operation fails does not apply to that
 * object (a conditional patch, as in Velero); any other failure, or a result that is no longer
 * a Kubernetes object, is reported as a problem naming the modifier and operation — never a
 * crash.
 */
import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import type { ResourceModifier } from "../../manifests/types.js";
import { err, ok, type Result } from "../../core/result.js";
import { apiGroup, cloneObject, isRecord, type KubeObject } from "../kube-object.js";
import { kindEntryMatches } from "../export/kind-filter.js";
import { compileNamePattern } from "./name-pattern.js";

export interface ModifierProblem {
  /** Index of the modifier in `spec.resourceModifiers`. */
  readonly modifier: number;
  /** Index of the failing operation in its `patch`, when one failed. */
  readonly operation?: number;
  readonly message: string;
}

/** The object's identity on the source, which modifier matches are written against. */
export interface SourceIdentity {
  readonly name: string;
  readonly namespace?: string | undefined;
}

/**
 * Whether modifier `m` applies to `obj`. `name` and `namespace` are matched against the
 * object's identity on the source (the names the manifest's `namespaces` uses), since one
 * set of modifiers serves every target whatever its namespace mapping.
 */
export function modifierMatches(
  m: ResourceModifier,
  obj: KubeObject,
  source: SourceIdentity = obj.metadata,
): Result<boolean, string> {
  const { kind, name, namespace } = m.match;
  if (kind !== undefined && !kindEntryMatches(kind, { group: apiGroup(obj.apiVersion), kind: obj.kind }))
    return ok(false);
  for (const [pattern, value] of [
    [name, source.name],
    [namespace, source.namespace],
  ] as const) {
    if (pattern === undefined) continue;
    if (value === undefined) return ok(false);
    const compiled = compileNamePattern(pattern);
    if (!compiled.ok) return compiled;
    if (!compiled.value.test(value)) return ok(false);
  }
  return ok(true);
}

/** `obj` with every matching modifier applied in order, or the problems found. */
export function applyResourceModifiers(
  obj: KubeObject,
  modifiers: readonly ResourceModifier[] | undefined,
  source: SourceIdentity = obj.metadata,
): Result<KubeObject, ModifierProblem[]> {
  let current = obj;
  const problems: ModifierProblem[] = [];
  (modifiers ?? []).forEach((m, index) => {
    const matches = modifierMatches(m, current, source);
    if (!matches.ok) {
      problems.push({ modifier: index, message: matches.error });
      return;
    }
    if (!matches.value) return;
    const applied = applyPatch(current, m.patch as readonly Operation[], index);
    if (applied.ok) current = applied.value ?? current;
    else problems.push(applied.error);
  });
  return problems.length === 0 ? ok(current) : err(problems);
}

/**
 * Applies one patch operation by operation, so a problem names the operation that failed
 * (fast-json-patch's own error index is not reliable for whole patches); `ok(undefined)`
 * when a `test` operation says the patch does not apply.
 */
function applyPatch(
  obj: KubeObject,
  patch: readonly Operation[],
  modifier: number,
): Result<KubeObject | undefined, ModifierProblem> {
  let document: unknown = cloneObject(obj);
  for (const [index, operation] of patch.entries()) {
    try {
      document = jsonpatch.applyOperation(document, operation, true, true, true, index).newDocument;
    } catch (e) {
      if (e instanceof jsonpatch.JsonPatchError && e.name === "TEST_OPERATION_FAILED") return ok(undefined);
      const message = e instanceof Error ? firstLine(e.message) : String(e);
      return err({ modifier, operation: index, message: `${operation.op} ${operation.path}: ${message}` });
    }
  }
  const invalid = objectShapeProblem(document);
  return invalid === undefined
    ? ok(document as KubeObject)
    : err({ modifier, message: `patched object ${invalid}` });
}

/** Why a patched value is no longer a Kubernetes object, or undefined. */
function objectShapeProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return "is not an object";
  if (typeof value["apiVersion"] !== "string" || value["apiVersion"] === "") return "has no apiVersion";
  if (typeof value["kind"] !== "string" || value["kind"] === "") return "has no kind";
  const meta = value["metadata"];
  if (!isRecord(meta) || typeof meta["name"] !== "string" || meta["name"] === "")
    return "has no metadata.name";
  for (const field of ["labels", "annotations"]) {
    const map = meta[field];
    if (map === undefined) continue;
    if (!isRecord(map) || Object.values(map).some((v) => typeof v !== "string"))
      return `has non-string metadata.${field}`;
  }
  return undefined;
}

/** fast-json-patch appends the operation and document to its messages; keep the first line. */
function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
