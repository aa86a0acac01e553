import pLimit from "p-limit";
import { errorMessage } from "../core/errors.js";
import { checkDesiredState } from "./checks/index.js";
import { findDuplicates } from "./checks/duplicates.js";
import { decodeText } from "./decode.js";
import { fastParse } from "./fast-parse.js";
import { excessiveNesting } from "./nesting.js";
import { parseYamlFile, type ParsedDocument } from "./parse-file.js";
import { formatPath } from "./paths.js";
import { DESIRED_STATE_ROOTS, desiredStateRoot, HOME_OF_KIND, type DesiredStateRoot } from "./select.js";
import { createDesiredState } from "./state.js";
import { createManifestValidator } from "./validator.js";
import type {
  FieldPath,
  LoadedObject,
  LoadOptions,
  LoadResult,
  Manifest,
  ManifestValidator,
  Problem,
  ProblemCode,
  SourceLocation,
  TreeSource,
} from "./types.js";

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
// Reading files concurrently hides I/O latency; more than this gains nothing and costs fds.
const READ_CONCURRENCY = 16;

/**
 * Loads a desired-state tree: selects `clusters/`, `policies/` and `environments/` YAML files,
 * parses every document, checks it against its kind's schema, drops duplicates and runs the
 * cross-object checks. Every problem is returned in one pass, sorted by place; only failed
 * I/O on the tree's listing throws.
 */
export async function loadDesiredState(source: TreeSource, options: LoadOptions = {}): Promise<LoadResult> {
  const validator = options.validator ?? createManifestValidator();
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const entries = (await source.list(DESIRED_STATE_ROOTS)).filter(
    (e) => desiredStateRoot(e.path) !== undefined,
  );

  const limit = pLimit(READ_CONCURRENCY);
  const perFile = await Promise.all(
    entries.map((entry) =>
      limit(async () => {
        if (entry.size !== undefined && entry.size > maxFileBytes) {
          return fileResult([tooLarge(entry.path, entry.size, maxFileBytes)]);
        }
        let bytes: Uint8Array;
        try {
          bytes = await source.read(entry.path);
        } catch (e) {
          return fileResult([fileProblem(entry.path, "read-failed", `cannot read: ${errorMessage(e)}`)]);
        }
        return loadFile({ path: entry.path, bytes, validator, maxFileBytes });
      }),
    ),
  );

  const problems: Problem[] = [];
  const objects: LoadedObject[] = [];
  for (const result of perFile) {
    problems.push(...result.problems);
    objects.push(...result.objects);
  }
  const { unique, problems: duplicates } = findDuplicates(objects);
  problems.push(...duplicates);
  const state = createDesiredState(unique);
  if (options.semanticChecks !== false) problems.push(...checkDesiredState(state));

  problems.sort(byPlace);
  return {
    state,
    problems,
    valid: !problems.some((p) => p.severity === "error"),
    files: entries.map((e) => e.path),
  };
}

interface FileResult {
  readonly objects: readonly LoadedObject[];
  readonly problems: readonly Problem[];
}

const fileResult = (problems: Problem[], objects: LoadedObject[] = []): FileResult => ({ objects, problems });

/** Decodes, parses and schema-checks one file. Pure apart from its input bytes. */
export function loadFile(input: {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly validator: ManifestValidator;
  readonly maxFileBytes?: number;
}): FileResult {
  const { path, bytes, validator } = input;
  const maxFileBytes = input.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (bytes.byteLength > maxFileBytes) return fileResult([tooLarge(path, bytes.byteLength, maxFileBytes)]);
  const decoded = decodeText(bytes);
  if ("reason" in decoded) return fileResult([fileProblem(path, "not-utf8", `the file ${decoded.reason}`)]);

  if (excessiveNesting(decoded.text) === undefined) {
    const fast = fastLoad(path, decoded.text, validator);
    if (fast !== undefined) return fast;
  }
  const parsed = parseYamlFile(path, decoded.text);
  const problems: Problem[] = [...parsed.problems];
  const objects: LoadedObject[] = [];
  const root = desiredStateRoot(path);
  for (const doc of parsed.documents) {
    const issues = validator.validate(doc.value);
    for (const issue of issues) {
      problems.push({
        ...doc.locate(issue.path),
        path: formatPath(issue.path),
        message: issue.message,
        code: issue.code,
        severity: "error",
      });
    }
    if (issues.length > 0) continue;
    const manifest = doc.value as Manifest;
    const misplaced = misplacedKind(root, manifest, doc.locate);
    if (misplaced !== undefined) problems.push(misplaced);
    objects.push({ manifest, location: doc.location, documentIndex: doc.index, locate: doc.locate });
  }
  return fileResult(capped(path, problems), objects);
}

/** Problems beyond this many in one file are summarised: a generated file can hold 250,000 bad documents. */
export const MAX_PROBLEMS_PER_FILE = 100;

function capped(path: string, problems: Problem[]): Problem[] {
  if (problems.length <= MAX_PROBLEMS_PER_FILE) return problems;
  const last = problems[MAX_PROBLEMS_PER_FILE - 1];
  return [
    ...problems.slice(0, MAX_PROBLEMS_PER_FILE),
    {
      file: path,
      line: last?.line ?? 1,
      column: last?.column ?? 1,
      path: "",
      message: `${problems.length - MAX_PROBLEMS_PER_FILE} more problems in this file not shown`,
      code: "too-many-problems",
      severity: "error",
    },
  ];
}

/**
 * The fast path (see fast-parse.ts): a file js-yaml reads cleanly and whose documents all
 * pass their schemas. Positions come from the `yaml` parser, lazily, on first request.
 */
function fastLoad(path: string, text: string, validator: ManifestValidator): FileResult | undefined {
  const values = fastParse(text);
  if (values === undefined) return undefined;
  for (const value of values) if (validator.validate(value).length > 0) return undefined;

  let positioned: readonly ParsedDocument[] | undefined;
  const documentAt = (k: number): ParsedDocument | undefined =>
    (positioned ??= parseYamlFile(path, text).documents)[k];
  const fileStart = { file: path, line: 1, column: 1 };
  const root = desiredStateRoot(path);
  const problems: Problem[] = [];
  const objects = values.map((value, k): LoadedObject => {
    const locate = (fieldPath: FieldPath): SourceLocation => documentAt(k)?.locate(fieldPath) ?? fileStart;
    const manifest = value as unknown as Manifest;
    const misplaced = misplacedKind(root, manifest, locate);
    if (misplaced !== undefined) problems.push(misplaced);
    return {
      manifest,
      get location() {
        return documentAt(k)?.location ?? fileStart;
      },
      get documentIndex() {
        return documentAt(k)?.index ?? k;
      },
      locate,
    };
  });
  return fileResult(capped(path, problems), objects);
}

function misplacedKind(
  root: DesiredStateRoot | undefined,
  manifest: Manifest,
  locate: (path: FieldPath) => SourceLocation,
): Problem | undefined {
  const home = HOME_OF_KIND[manifest.kind];
  if (root === undefined || root === home) return undefined;
  return {
    ...locate(["kind"]),
    path: "kind",
    message: `a ${manifest.kind} belongs under ${home}/, not ${root}/`,
    code: "misplaced-kind",
    severity: "warning",
  };
}

function tooLarge(path: string, size: number, max: number): Problem {
  return fileProblem(
    path,
    "file-too-large",
    `the file is ${size} bytes; manifest files are limited to ${max} bytes`,
  );
}

function fileProblem(file: string, code: ProblemCode, message: string): Problem {
  return { file, line: 1, column: 1, path: "", message, code, severity: "error" };
}

function byPlace(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}
