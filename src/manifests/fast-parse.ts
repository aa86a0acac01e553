import jsYaml from "js-yaml";

/**
 * The fast path of the loader. The `yaml` library (our parser of record: positions, error
 * messages, alias limits) parses about 5 MB/s; js-yaml about ten times faster but knows no
 * positions. So a file is first read with js-yaml; when that succeeds and every document is a
 * mapping that passes its schema, it is accepted and positions are computed with `yaml` only
 * if some later check asks for one. Anything unusual (anchors, tags, duplicate keys, syntax
 * errors, scalar or list documents, schema errors) goes to the `yaml` path, so every problem
 * a user sees comes from one parser. See docs/adr/0001-manifest-loading.md.
 *
 * Both parsers must read a document the same way: plain scalars are resolved with exactly the
 * YAML 1.2 core-schema rules the `yaml` library uses (its regular expressions, copied below),
 * not js-yaml's own core schema, which also reads `0b101` and `1_000` as numbers.
 */

const scalar = (tag: string, test: RegExp, construct: (s: string) => unknown): jsYaml.Type =>
  new jsYaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: "scalar",
    resolve: (data: string | null) => data !== null && test.test(data),
    construct,
  });

const CORE_1_2 = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsYaml.Type("tag:yaml.org,2002:null", {
      kind: "scalar",
      resolve: (data: string | null) => data === null || /^(?:~|[Nn]ull|NULL)?$/.test(data),
      construct: () => null,
    }),
    scalar("bool", /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === "t" || s[0] === "T"),
    scalar("int", /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (s) =>
      s.startsWith("0o")
        ? parseInt(s.slice(2), 8)
        : s.startsWith("0x")
          ? parseInt(s.slice(2), 16)
          : parseInt(s, 10),
    ),
    scalar(
      "float",
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
      (s) => {
        const lower = s.toLowerCase();
        if (lower.endsWith("nan")) return NaN;
        if (lower.endsWith("inf")) return s.startsWith("-") ? -Infinity : Infinity;
        return parseFloat(s);
      },
    ),
  ],
});

// An anchor (`&name`) is the only way to get an alias; without one there is nothing to expand.
const ANCHOR = /(?:^|[\s[{,:-])&[^\s]/;
// Explicit tags (`!!binary`, `!custom`) are resolved differently by the two parsers.
const TAG = /(?:^|[\s[{,:-])![^\s=]/;

/**
 * The documents of a file as plain mappings, or undefined when the file must take the `yaml`
 * path (see above). Never throws.
 */
export function fastParse(text: string): Record<string, unknown>[] | undefined {
  if (ANCHOR.test(text) || TAG.test(text)) return undefined;
  let docs: unknown[];
  try {
    docs = jsYaml.loadAll(text, null, { schema: CORE_1_2 });
  } catch {
    return undefined;
  }
  // Empty documents are skipped on both paths (see parse-file.ts), which keeps the k-th
  // document here the k-th document there, for positions.
  const mappings = docs.filter((doc) => doc !== null);
  for (const doc of mappings) {
    if (typeof doc !== "object" || Array.isArray(doc)) return undefined;
  }
  return mappings as Record<string, unknown>[];
}
