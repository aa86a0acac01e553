import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { FORMATS } from "./formats.js";
import { schemaIssue } from "./schema-issues.js";
import { API_VERSION, KINDS, type Kind, type ManifestValidator, type SchemaIssue } from "./types.js";

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Schema file of each kind in `schemas/`. */
export const SCHEMA_FILES: Readonly<Record<Kind, string>> = {
  Cluster: "cluster.schema.json",
  Fleet: "fleet.schema.json",
  ReplicationRepository: "replication-repository.schema.json",
  SchedulePolicy: "schedule-policy.schema.json",
  Migration: "migration.schema.json",
  MigrationSchedule: "migration-schedule.schema.json",
  VolumeGroup: "volume-group.schema.json",
  VolumeReplication: "volume-replication.schema.json",
};
const COMMON_SCHEMA = "common.schema.json";

/** `schemas/` of the package: two levels up from both `src/manifests/` and `dist/manifests/`. */
export const DEFAULT_SCHEMA_DIR = new URL("../../schemas/", import.meta.url);

/** Reads one schema file of `schemas/` as JSON. */
export function readSchema(file: string, schemaDir: URL = DEFAULT_SCHEMA_DIR): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(file, schemaDir), "utf8")) as Record<string, unknown>;
}

/**
 * Compiles every kind's schema once (a few tens of milliseconds) and returns a validator to
 * reuse for any number of documents. Checks `apiVersion` and `kind` first so that an unknown
 * kind is one clear problem instead of a cascade of schema errors.
 */
export function createManifestValidator(options: { schemaDir?: URL } = {}): ManifestValidator {
  const schemaDir = options.schemaDir ?? DEFAULT_SCHEMA_DIR;
  // strictRequired is off because one-of branches name fields declared in the parent.
  // verbose keeps each error's parentSchema, which the messages use (allowed fields, one-of names).
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false });
  addFormats(ajv, ["uri"]);
  for (const [name, check] of Object.entries(FORMATS))
    ajv.addFormat(name, { type: "string", validate: check });
  ajv.addSchema(readSchema(COMMON_SCHEMA, schemaDir), COMMON_SCHEMA);
  for (const kind of KINDS) ajv.addSchema(readSchema(SCHEMA_FILES[kind], schemaDir));
  const compiled = new Map<Kind, ValidateFunction>();
  for (const kind of KINDS) {
    const id = `https://ferry.dev/schemas/v1alpha1/${SCHEMA_FILES[kind]}`;
    const fn = ajv.getSchema(id);
    if (fn === undefined) throw new Error(`schema ${id} did not compile`);
    compiled.set(kind, fn);
  }
  const kinds = new Set<string>(KINDS);

  return {
    validate(document: unknown): readonly SchemaIssue[] {
      if (typeof document !== "object" || document === null || Array.isArray(document)) {
        return [
          {
            path: [],
            code: "not-an-object",
            message: "a manifest must be a mapping with apiVersion, kind, metadata",
          },
        ];
      }
      const doc = document as Record<string, unknown>;
      const head: SchemaIssue[] = [];
      if (doc["apiVersion"] === undefined) {
        head.push({
          path: ["apiVersion"],
          code: "missing-field",
          message: `missing required field; expected ${API_VERSION}`,
        });
      } else if (doc["apiVersion"] !== API_VERSION) {
        head.push({
          path: ["apiVersion"],
          code: "unknown-api-version",
          message: `unknown apiVersion ${JSON.stringify(doc["apiVersion"])}; expected ${API_VERSION}`,
        });
      }
      const kind = doc["kind"];
      if (kind === undefined) {
        head.push({
          path: ["kind"],
          code: "missing-field",
          message: `missing required field; one of ${KINDS.join(", ")}`,
        });
      } else if (typeof kind !== "string" || !kinds.has(kind)) {
        head.push({
          path: ["kind"],
          code: "unknown-kind",
          message: `unknown kind ${JSON.stringify(kind)}; expected one of ${KINDS.join(", ")}`,
        });
      }
      if (head.length > 0) return head;
      const fn = compiled.get(kind as Kind);
      if (fn === undefined || fn(document)) return head;
      return toIssues(fn.errors ?? [], document, kind as Kind);
    },
  };
}

function toIssues(errors: readonly ErrorObject[], document: unknown, kind: Kind): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const issue = schemaIssue(error, document, kind);
    if (issue === undefined) continue;
    const key = `${issue.path.join("\u0000")}\u0001${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
