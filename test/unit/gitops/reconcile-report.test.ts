import { describe, expect, it } from "vitest";
import { applyManifestChanges } from "../../../src/gitops/executor/apply-changes.js";
import { liveFingerprint } from "../../../src/gitops/reconcile/drift.js";
import { parseReport, renderReport, type Report } from "../../../src/gitops/reconcile/report.js";
import { specHash } from "../../../src/gitops/reconcile/spec-hash.js";
import type { KubeObject } from "../../../src/engine/kube-object.js";

describe("status reports", () => {
  it.each<[string, Report]>([
    [
      "a volume replication",
      {
        kind: "VolumeReplication",
        name: "pg-dr",
        namespace: "shop",
        source: { file: "environments/prod/pg-dr.yaml", commit: "abc" },
        specHash: "77",
        spec: {
          source: { cluster: "east-1", volumeGroup: "pg" },
          target: { cluster: "west-1", volumeGroup: "pg" },
          pvcMap: { "data-pg-0": "data-pg-0" },
          schedule: "*/5 * * * *",
        },
        status: {
          phase: "Idle",
          role: { source: "east-1", target: "west-1" },
          conditions: [],
          lagSeconds: 12,
        },
        remediation: { branch: "ferry/remediate/volumereplication-shop-pg-dr", commit: "c" },
      },
    ],
    [
      "a migration",
      {
        kind: "Migration",
        name: "m",
        namespace: "ns",
        source: { file: "environments/prod/m.yaml", commit: "abc" },
        specHash: "1234",
        status: { phase: "Completed", targetClusterStatus: [] },
        remediation: {
          branch: "ferry/remediate/migration-ns-m",
          pullRequest: { number: 3, url: "https://x/3" },
        },
        inventory: {
          "west-1": [{ apiVersion: "v1", kind: "ConfigMap", name: "c", namespace: "ns", fingerprint: "f" }],
        },
        drift: [{ cluster: "west-1", object: "ConfigMap/ns/c", change: "deleted" }],
      },
    ],
    [
      "a schedule",
      {
        kind: "MigrationSchedule",
        name: "s",
        specHash: "99",
        remediation: { branch: "ferry/remediate/migrationschedule-s", commit: "c" },
        state: {
          since: "2026-01-01T00:00:00.000Z",
          history: {
            interval: [
              { name: "s-interval-1", creationTimestamp: "2026-01-01T00:00:00.000Z", status: "Failed" },
            ],
          },
        },
      },
    ],
    [
      "a validation failure",
      {
        kind: "Validation",
        commit: "abc",
        problems: [
          {
            file: "a.yaml",
            line: 3,
            column: 5,
            path: "spec.x",
            message: "bad",
            code: "invalid-value",
            severity: "error",
          },
        ],
      },
    ],
  ])("%s renders deterministically and reads back", (_what, report) => {
    const text = renderReport(report);
    expect(renderReport(parseReport(text)!)).toBe(text);
    expect(parseReport(text)).toEqual(report);
  });

  it.each(["", "not: [yaml", "kind: Other\nmetadata: {name: x}", "42"])("ignores %j", (text) => {
    expect(parseReport(text)).toBeUndefined();
  });

  it("hashes specs independent of key order", () => {
    expect(specHash({ a: 1, b: { c: 2, d: 3 } })).toBe(specHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(specHash({ a: 1 })).not.toBe(specHash({ a: 2 }));
  });
});

describe("liveFingerprint", () => {
  const base: KubeObject = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: "d",
      namespace: "ns",
      labels: { app: "x" },
      annotations: { "ferry.dev/desired-hash": "h" },
    },
    spec: { resources: { requests: { storage: "1Gi" } } },
  };
  const variant = (patch: (o: Record<string, unknown> & KubeObject) => void): KubeObject => {
    const copy = structuredClone(base) as Record<string, unknown> & KubeObject;
    patch(copy);
    return copy;
  };
  it.each<[string, KubeObject, boolean]>([
    ["status", variant((o) => (o["status"] = { phase: "Bound" })), true],
    [
      "resourceVersion and managedFields",
      variant((o) => Object.assign(o.metadata, { resourceVersion: "9", managedFields: [] })),
      true,
    ],
    [
      "another controller's annotation",
      variant((o) => (o.metadata.annotations!["pv.kubernetes.io/bind-completed"] = "yes")),
      true,
    ],
    [
      "the binder's volumeName",
      variant((o) => ((o["spec"] as Record<string, unknown>)["volumeName"] = "pv-1")),
      true,
    ],
    ["a label", variant((o) => (o.metadata.labels!["edited"] = "yes")), false],
    [
      "the spec",
      variant(
        (o) => ((o["spec"] as Record<string, unknown>)["resources"] = { requests: { storage: "2Gi" } }),
      ),
      false,
    ],
    [
      "Ferry's desired hash",
      variant((o) => (o.metadata.annotations!["ferry.dev/desired-hash"] = "other")),
      false,
    ],
  ])("a change of %s keeps the fingerprint: %s", (_what, changed, same) => {
    expect(liveFingerprint(changed) === liveFingerprint(base)).toBe(same);
  });
});

describe("applyManifestChanges", () => {
  const file = [
    "# The shop migration.",
    "apiVersion: ferry.dev/v1alpha1",
    "kind: Migration",
    "metadata:",
    "  name: a # first",
    "spec:",
    "  targets: [{ cluster: west-1 }]",
    "  storageClassMapping: { fast-ssd: standard }",
    "---",
    "apiVersion: ferry.dev/v1alpha1",
    "kind: Migration",
    "metadata:",
    "  name: b",
    "spec:",
    "  targets: [{ cluster: west-1 }]",
    "",
  ].join("\n");

  it("sets a key in an existing flow map of the right document, keeping comments", () => {
    const out = applyManifestChanges(file, 0, [
      { path: ["spec", "storageClassMapping", "slow"], op: "set", value: "standard" },
    ]);
    expect(out).toContain("# The shop migration.");
    expect(out).toContain("name: a # first");
    expect(out).toContain("storageClassMapping: { fast-ssd: standard, slow: standard }");
    expect(out.split("---")[1]).toBe(file.split("---")[1]);
  });

  it("creates a missing map in the second document", () => {
    const out = applyManifestChanges(file, 1, [
      { path: ["spec", "storageClassMapping", "fast-ssd"], op: "set", value: "standard" },
    ]);
    expect(out.split("---")[1]).toContain("storageClassMapping:\n    fast-ssd: standard");
    expect(out.split("---")[0]).toBe(file.split("---")[0]);
  });

  it.each([
    [["spec", "targets"], "appends to a list", "{ cluster: west-2 }"],
    [["spec", "excludeKinds"], "creates a list", "excludeKinds:\n    - Event"],
  ])("at %j %s", (path, _what, expected) => {
    const value = path[1] === "targets" ? { cluster: "west-2" } : "Event";
    const out = applyManifestChanges(file, 0, [{ path, op: "append", value }]);
    expect(out).toContain(expected);
  });

  it("names a missing document", () => {
    expect(() => applyManifestChanges(file, 5, [])).toThrow(/no document 6/);
  });
});
