/** Deeper nesting than this is refused before parsing: no manifest needs it. */
export const MAX_NESTING = 64;
/** Lines indented further than this are refused before parsing. */
export const MAX_INDENT = 512;

/**
 * A guard run before the YAML parser, whose recursion and regular expressions blow up on
 * absurd nesting (tens of thousands of `[` exhaust the process's memory, not just its stack).
 * Brackets are counted everywhere, quoted or not, so quotes cannot hide them; a manifest
 * with 64 unclosed brackets inside strings is not a real one. Returns the offending offset.
 */
export function excessiveNesting(text: string): { offset: number; reason: string } | undefined {
  let depth = 0;
  let lineStart = 0;
  let indenting = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = i + 1;
      indenting = true;
      continue;
    }
    if (indenting) {
      // Leading "- ", "? " and ": " nest collections just as spaces do.
      if (c === 32 || c === 45 || c === 63 || c === 58) {
        if (i - lineStart > MAX_INDENT)
          return {
            offset: i,
            reason: `a line is indented (spaces, "- ", "? ", ": ") more than ${MAX_INDENT} columns`,
          };
        continue;
      }
      indenting = false;
    }
    if (c === 91 || c === 123) {
      depth++;
      if (depth > MAX_NESTING)
        return { offset: i, reason: `collections are nested more than ${MAX_NESTING} deep` };
    } else if ((c === 93 || c === 125) && depth > 0) {
      depth--;
    }
  }
  return undefined;
}
