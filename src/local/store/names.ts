const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** The rule a kind's names follow. */
export type NameRule = "label" | "subdomain" | "path";

/** Resources whose names are DNS-1123 labels rather than subdomains. */
const LABEL_NAMED = new Set(["namespaces", "services"]);
/** Resources whose names only need to be valid path segments (`system:controller:x`). */
const PATH_NAMED = new Set(["roles", "rolebindings", "clusterroles", "clusterrolebindings"]);

export const nameRule = (resource: string): NameRule =>
  LABEL_NAMED.has(resource) ? "label" : PATH_NAMED.has(resource) ? "path" : "subdomain";

/** The real server's messages for an invalid name, or none. */
export function nameProblems(name: string, rule: NameRule): string[] {
  if (rule === "path") {
    if (name === "." || name === "..") return [`may not be '${name}'`];
    return /[/%]/.test(name) ? ["may not contain '/' or '%'"] : [];
  }
  if (rule === "label") {
    const out: string[] = [];
    if (name.length > 63) out.push("must be no more than 63 characters");
    if (!LABEL.test(name)) {
      out.push(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      );
    }
    return out;
  }
  const out: string[] = [];
  if (name.length > 253) out.push("must be no more than 253 characters");
  if (!SUBDOMAIN.test(name)) {
    out.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  }
  return out;
}

/** Problems of a label key (`prefix/name`). */
export function labelKeyProblems(key: string): string[] {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const out: string[] = [];
  if (prefix !== undefined && (prefix.length > 253 || !SUBDOMAIN.test(prefix)))
    out.push("prefix part must be a DNS-1123 subdomain");
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    out.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters",
    );
  }
  return out;
}

export function labelValueProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push("must be no more than 63 characters");
  if (!LABEL_VALUE.test(value))
    out.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    );
  return out;
}

const GENERATED = "bcdfghjklmnpqrstvwxz2456789";

/** A name from `generateName`: the prefix and five random characters, as the server does. */
export function generateName(prefix: string, random: () => number = Math.random): string {
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += GENERATED[Math.floor(random() * GENERATED.length)] ?? "x";
  return `${prefix.slice(0, 58)}${suffix}`;
}
