/**
 * Name patterns for resource-modifier matches: `/…/` is a regular expression, anything else a
 * glob where `*` matches any run of characters and `?` one character. Whole-name matches.
 */
import { err, ok, type Result } from "../../core/result.js";

/** Compiles a pattern, or explains why it is not one. */
export function compileNamePattern(pattern: string): Result<RegExp, string> {
  if (pattern.length >= 2 && pattern.startsWith("/") && pattern.endsWith("/")) {
    try {
      return ok(new RegExp(pattern.slice(1, -1)));
    } catch (e) {
      return err(`invalid regular expression ${pattern}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return ok(new RegExp(`^${body}$`));
}
