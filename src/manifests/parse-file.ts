import { LineCounter, parseAllDocuments, type Document, type YAMLError } from "yaml";
import { locateInDocument } from "./locate.js";
import { excessiveNesting } from "./nesting.js";
import type { FieldPath, Problem, ProblemCode, SourceLocation } from "./types.js";

/** One non-empty YAML document of a file, as plain data, with a way back to its source. */
export interface ParsedDocument {
  readonly value: unknown;
  readonly index: number;
  readonly location: SourceLocation;
  readonly locate: (path: FieldPath) => SourceLocation;
}

export interface ParsedFile {
  readonly documents: readonly ParsedDocument[];
  readonly problems: readonly Problem[];
}

/** Aliases beyond this many per document are treated as an alias bomb ("billion laughs"). */
export const MAX_ALIAS_COUNT = 100;

/**
 * Parses a multi-document YAML file (YAML 1.2 core schema, duplicate keys refused). A
 * document with errors yields its problems and no value; the other documents still load, so
 * one pass reports everything.
 */
export function parseYamlFile(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  const tooDeep = excessiveNesting(text);
  if (tooDeep !== undefined) {
    lineCounter.addNewLine(0);
    for (let i = text.indexOf("\n"); i !== -1 && i < tooDeep.offset; i = text.indexOf("\n", i + 1)) {
      lineCounter.addNewLine(i + 1);
    }
    return {
      documents: [],
      problems: [problem(at(tooDeep.offset), "yaml-syntax", `${tooDeep.reason}; refusing the file`)],
    };
  }
  const docs = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  }) as Document.Parsed[];
  const documents: ParsedDocument[] = [];
  docs.forEach((doc, index) => {
    const errors = doc.errors.map((e) => yamlProblem(e, at));
    for (const w of doc.warnings) problems.push({ ...yamlProblem(w, at), severity: "warning" });
    if (errors.length > 0) {
      problems.push(...errors);
      return;
    }
    if (doc.contents === null) return; // an empty document, e.g. after a trailing `---`
    const location = at(doc.contents.range[0]);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const bomb = e instanceof ReferenceError && /excessive alias/i.test(e.message);
      problems.push(
        problem(
          location,
          bomb ? "alias-limit" : "yaml-syntax",
          bomb
            ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}); refusing a possible alias bomb`
            : e instanceof Error
              ? e.message
              : String(e),
        ),
      );
      return;
    }
    // An empty document (`---` twice, a trailing `---`, a lone `~`) is skipped, as kubectl does.
    if (value === null) return;
    documents.push({
      value,
      index,
      location,
      locate: (path) => ({ file, ...locateInDocument(doc, lineCounter, path) }),
    });
  });
  return { documents, problems };
}

function yamlProblem(e: YAMLError, at: (offset: number) => SourceLocation): Problem {
  // yaml reports a stack overflow while composing a collection as RESOURCE_EXHAUSTION.
  if (e.code === "RESOURCE_EXHAUSTION")
    return problem(at(e.pos[0]), "yaml-syntax", "nesting is too deep for a manifest");
  return problem(at(e.pos[0]), e.code === "DUPLICATE_KEY" ? "duplicate-key" : "yaml-syntax", e.message);
}

function problem(location: SourceLocation, code: ProblemCode, message: string): Problem {
  return { ...location, path: "", message, code, severity: "error" };
}
