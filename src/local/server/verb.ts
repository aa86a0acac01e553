import type { ResourceRoute } from "./route.js";

/** The Kubernetes verb of a request, as faults and audit name it. */
export function verbOf(method: string, route: ResourceRoute, watch: boolean): string {
  switch (method) {
    case "GET":
      return route.name === undefined ? (watch ? "watch" : "list") : "get";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return route.name === undefined ? "deletecollection" : "delete";
    default:
      return method.toLowerCase();
  }
}
