import { describe, expect, it } from "vitest";
import { checkNamespace, type NamespaceCheckInput } from "../../../src/engine/prechecks/namespace.js";
import type { NamespaceObservation } from "../../../src/engine/prechecks/observations.js";
import type { RemediationKind, Verdict } from "../../../src/engine/prechecks/types.js";

const ferry = { "ferry.dev/managed-by": "ferry", "ferry.dev/migration": "shop-to-west" };
const base: Omit<NamespaceCheckInput, "observation"> = {
  target: "west-1",
  sourceNamespace: "shop",
  migration: "shop-to-west",
  location: { file: "environments/prod/shop.yaml", specPath: ["spec"] },
};

describe("checkNamespace", () => {
  it.each<
    [string, NamespaceObservation, Partial<NamespaceCheckInput>, Verdict, RemediationKind | undefined, RegExp]
  >([
    ["absent", { name: "shop", exists: false }, {}, "compatible", undefined, /will be created/],
    [
      "absent, volumes only",
      { name: "shop", exists: false },
      { includeResources: false },
      "actionable",
      "create-namespace",
      /nothing would create it/,
    ],
    [
      "ours, same migration",
      { name: "shop", exists: true, labels: ferry },
      {},
      "compatible",
      undefined,
      /this migration/,
    ],
    [
      "ours, another migration",
      { name: "shop", exists: true, labels: { ...ferry, "ferry.dev/migration": "other" } },
      {},
      "actionable",
      "map-namespace",
      /another Ferry migration \(other\)/,
    ],
    [
      "terminating",
      { name: "shop", exists: true, phase: "Terminating", labels: ferry },
      {},
      "incompatible",
      undefined,
      /being deleted/,
    ],
    [
      "onboarded on a slice (KubeSlice warning)",
      { name: "shop", exists: true, labels: { "kubeslice.io/slice": "red" } },
      {},
      "incompatible",
      "map-namespace",
      /onboarded elsewhere \(kubeslice\.io\/slice\)/,
    ],
    [
      "onboarded per a custom label list",
      { name: "shop", exists: true, labels: { "istio.io/rev": "1" } },
      { onboardedLabels: ["istio.io/rev"] },
      "incompatible",
      "map-namespace",
      /istio\.io\/rev/,
    ],
    [
      "foreign, nothing clashes",
      { name: "shop", exists: true, foreignConflicts: [] },
      {},
      "compatible",
      undefined,
      /no object Ferry writes exists/,
    ],
    [
      "foreign with clashing objects",
      { name: "shop", exists: true, foreignConflicts: ["ConfigMap shop/a", "Secret shop/b"] },
      {},
      "actionable",
      "allow-overwrite",
      /holds 2 object\(s\) Ferry would write: ConfigMap shop\/a, Secret shop\/b/,
    ],
    [
      "foreign with clashing objects, overwrite allowed",
      { name: "shop", exists: true, foreignConflicts: ["ConfigMap shop/a"] },
      { overwrite: true },
      "compatible",
      undefined,
      /overwrite is allowed/,
    ],
  ])("%s", (_name, observation, extra, verdict, remediation, reason) => {
    const r = checkNamespace({ ...base, ...extra, observation });
    expect(r.verdict).toBe(verdict);
    expect(r.remediation?.kind).toBe(remediation);
    expect(r.reason).toMatch(reason);
    expect(r).toMatchObject({ check: "namespace", target: "west-1", subject: "shop" });
  });

  it("suggests a namespace mapping in the manifest, with file and path", () => {
    const r = checkNamespace({
      ...base,
      observation: { name: "shop", exists: true, labels: { "kubeslice.io/slice": "x" } },
    });
    expect(r.remediation?.manifestChange).toEqual({
      file: "environments/prod/shop.yaml",
      path: ["spec", "namespaceMapping", "shop"],
      op: "set",
      value: "shop-shop-to-west",
    });
  });

  it("offers creating the namespace live", () => {
    const r = checkNamespace({
      ...base,
      includeResources: false,
      observation: { name: "shop-dr", exists: false },
    });
    expect(r.remediation?.liveFix).toEqual({ kind: "create-namespace", cluster: "west-1", name: "shop-dr" });
  });

  it("lists at most five clashing objects", () => {
    const conflicts = Array.from({ length: 8 }, (_, i) => `ConfigMap shop/c${i}`);
    const r = checkNamespace({
      ...base,
      observation: { name: "shop", exists: true, foreignConflicts: conflicts },
    });
    expect(r.reason).toMatch(/c4, and 3 more$/);
  });
});
