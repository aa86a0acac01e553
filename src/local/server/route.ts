/** A request for a resource, parsed from the URL as the real server routes it. */
export interface ResourceRoute {
  group: string;
  version: string;
  namespace: string | undefined;
  resource: string;
  name: string | undefined;
  subresource: string | undefined;
}

/** Discovery and other non-resource paths. */
export type Route =
  | { kind: "resource"; route: ResourceRoute }
  | { kind: "groupVersion"; group: string; version: string }
  | { kind: "coreVersions" }
  | { kind: "groups" }
  | { kind: "group"; group: string }
  | { kind: "other"; path: string };

/** Parses `/api/v1/...` and `/apis/<group>/<version>/...` paths. */
export function parseRoute(pathname: string): Route {
  const parts = pathname
    .split("/")
    .filter((p) => p !== "")
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api") {
    if (parts.length === 1) return { kind: "coreVersions" };
    group = "";
    version = parts[1] ?? "";
    rest = parts.slice(2);
  } else if (parts[0] === "apis") {
    if (parts.length === 1) return { kind: "groups" };
    if (parts.length === 2) return { kind: "group", group: parts[1] ?? "" };
    group = parts[1] ?? "";
    version = parts[2] ?? "";
    rest = parts.slice(3);
  } else {
    return { kind: "other", path: pathname };
  }
  if (rest.length === 0) return { kind: "groupVersion", group, version };
  let namespace: string | undefined;
  const namespaceSubresource =
    group === "" && rest.length === 3 && (rest[2] === "status" || rest[2] === "finalize");
  if (rest[0] === "namespaces" && rest.length >= 3 && !namespaceSubresource) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  return {
    kind: "resource",
    route: { group, version, namespace, resource: rest[0] ?? "", name: rest[1], subresource: rest[2] },
  };
}
