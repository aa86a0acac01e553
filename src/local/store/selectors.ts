import { badRequest } from "../errors.js";
import { pathValue } from "../resources/columns.js";
import { text } from "../text.js";

/** One requirement of a label selector (`app in (a,b)`, `!tier`, `env=prod`). */
export interface Requirement {
  key: string;
  operator: "=" | "!=" | "in" | "notin" | "exists" | "!";
  values: string[];
}

export type Matcher = (object: Record<string, unknown>) => boolean;

const matchAll: Matcher = () => true;

/** Parses a label selector string as the API server does; a syntax error is a 400. */
export function parseLabelSelector(selector: string | undefined): Requirement[] {
  if (selector === undefined || selector.trim() === "") return [];
  const out: Requirement[] = [];
  let i = 0;
  const s = selector;
  const skipSpace = (): void => {
    while (i < s.length && s[i] === " ") i++;
  };
  const readToken = (): string => {
    skipSpace();
    const start = i;
    while (i < s.length && !" ,()=!".includes(s[i] ?? "")) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipSpace();
    let negated = false;
    if (s[i] === "!") {
      negated = true;
      i++;
    }
    const key = readToken();
    if (key === "")
      throw badRequest(`unable to parse requirement: found '${s[i] ?? ""}', expected: identifier`);
    skipSpace();
    if (negated) {
      out.push({ key, operator: "!", values: [] });
    } else if (i >= s.length || s[i] === ",") {
      out.push({ key, operator: "exists", values: [] });
    } else if (s.startsWith("==", i) || s.startsWith("!=", i) || s[i] === "=") {
      const op = s.startsWith("==", i) ? "==" : s.startsWith("!=", i) ? "!=" : "=";
      i += op.length;
      const value = readToken();
      out.push({ key, operator: op === "!=" ? "!=" : "=", values: [value] });
    } else {
      const word = readToken();
      if (word !== "in" && word !== "notin")
        throw badRequest(`unable to parse requirement: found '${word}', expected: in, notin, =, ==, !=`);
      skipSpace();
      if (s[i] !== "(") throw badRequest(`unable to parse requirement: found '${s[i] ?? ""}', expected: '('`);
      i++;
      const close = s.indexOf(")", i);
      if (close < 0) throw badRequest("unable to parse requirement: found '', expected: ')'");
      const values = s
        .slice(i, close)
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== "");
      i = close + 1;
      out.push({ key, operator: word, values });
    }
    skipSpace();
    if (i < s.length) {
      if (s[i] !== ",") throw badRequest(`unable to parse requirement: found '${s[i] ?? ""}', expected: ','`);
      i++;
    }
  }
  return out;
}

/** Whether a label set satisfies every requirement. */
export function labelsMatch(
  labels: Readonly<Record<string, string>> | undefined,
  requirements: readonly Requirement[],
): boolean {
  for (const r of requirements) {
    const value = labels?.[r.key];
    switch (r.operator) {
      case "=":
        if (value !== r.values[0]) return false;
        break;
      case "!=":
        if (value === r.values[0]) return false;
        break;
      case "in":
        if (value === undefined || !r.values.includes(value)) return false;
        break;
      case "notin":
        if (value !== undefined && r.values.includes(value)) return false;
        break;
      case "exists":
        if (value === undefined) return false;
        break;
      case "!":
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}

/** A label matcher over objects. */
export function labelMatcher(selector: string | undefined): Matcher {
  const requirements = parseLabelSelector(selector);
  if (requirements.length === 0) return matchAll;
  return (o) =>
    labelsMatch(pathValue(o, "metadata.labels") as Record<string, string> | undefined, requirements);
}

/**
 * A field matcher: `metadata.name=x,status.phase!=Running`. Any dotted field path of the
 * object is accepted (the real server allows a per-kind subset; being wider is harmless).
 */
export function fieldMatcher(selector: string | undefined): Matcher {
  if (selector === undefined || selector.trim() === "") return matchAll;
  const terms = selector.split(",").map((term) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (m === null) throw badRequest(`invalid field selector: '${term}'`);
    return { path: m[1] ?? "", negate: m[2] === "!=", value: m[3] ?? "" };
  });
  return (o) =>
    terms.every(({ path, negate, value }) => {
      const actual = pathValue(o, path);
      const shown = typeof actual === "object" && actual !== null ? JSON.stringify(actual) : text(actual);
      return negate ? shown !== value : shown === value;
    });
}

/** The selector string of a `metav1.LabelSelector` (for `/scale` status and table output). */
export function selectorString(selector: unknown): string {
  if (typeof selector !== "object" || selector === null) return "";
  const s = selector as {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const values = (e.values ?? []).join(",");
    if (e.operator === "In") parts.push(`${e.key} in (${values})`);
    else if (e.operator === "NotIn") parts.push(`${e.key} notin (${values})`);
    else if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
  }
  return parts.join(",");
}
