import { describe, expect, it } from "vitest";
import { serverSideApply, recordUpdate } from "../../../src/local/patch/apply.js";
import { fieldsOf, SEP } from "../../../src/local/patch/fieldset.js";
import { mergePatch } from "../../../src/local/patch/merge-patch.js";
import { strategicMerge } from "../../../src/local/patch/strategic.js";
import { SchemaCursor } from "../../../src/local/schema/cursor.js";
import { ModelCatalog } from "../../../src/local/schema/models.js";

const catalog = new ModelCatalog();
const defs = catalog.schemas("V1Deployment");
const deploymentSchema = new SchemaCursor(defs["V1Deployment"], defs);
const containers = (...c: Record<string, unknown>[]): Record<string, unknown> => ({
  spec: { template: { spec: { containers: c } } },
});

describe("strategic merge patch", () => {
  it.each([
    [
      "merges containers by name",
      containers({ name: "a", image: "1" }),
      containers({ name: "a", image: "2" }),
      containers({ name: "a", image: "2" }),
    ],
    [
      "appends a new container",
      containers({ name: "a", image: "1" }),
      containers({ name: "b", image: "1" }),
      containers({ name: "a", image: "1" }, { name: "b", image: "1" }),
    ],
    [
      "deletes an item with $patch: delete",
      containers({ name: "a" }, { name: "b" }),
      containers({ name: "a", $patch: "delete" }),
      containers({ name: "b" }),
    ],
    [
      "replaces a list with $patch: replace",
      containers({ name: "a" }, { name: "b" }),
      containers({ $patch: "replace" }, { name: "c" }),
      containers({ name: "c" }),
    ],
    [
      "deletes a key with null",
      { spec: { replicas: 2, paused: true } },
      { spec: { paused: null } },
      { spec: { replicas: 2 } },
    ],
    [
      "keeps only $retainKeys",
      { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } } },
      { spec: { strategy: { type: "Recreate", $retainKeys: ["type"] } } },
      { spec: { strategy: { type: "Recreate" } } },
    ],
    [
      "removes from a primitive list",
      { metadata: { finalizers: ["a", "b"] } },
      { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] } },
      { metadata: { finalizers: ["b"] } },
    ],
    [
      "merges finalizers as a set",
      { metadata: { finalizers: ["a"] } },
      { metadata: { finalizers: ["b", "a"] } },
      { metadata: { finalizers: ["a", "b"] } },
    ],
    [
      "replaces atomic lists",
      { spec: { template: { spec: { containers: [{ name: "a", args: ["x", "y"] }] } } } },
      containers({ name: "a", args: ["z"] }),
      containers({ name: "a", args: ["z"] }),
    ],
  ])("%s", (_, original, patch, expected) => {
    expect(strategicMerge(original, patch, deploymentSchema)).toEqual(expected);
  });
});

describe("JSON merge patch", () => {
  it.each([
    [{ a: 1, b: { c: 1, d: 2 } }, { b: { c: null, e: 3 } }, { a: 1, b: { d: 2, e: 3 } }],
    [{ a: [1, 2] }, { a: [3] }, { a: [3] }],
    [{ a: 1 }, { a: { b: 1 } }, { a: { b: 1 } }],
  ])("%j + %j = %j", (target, patch, expected) => {
    expect(mergePatch(target, patch)).toEqual(expected);
  });
});

describe("server-side apply", () => {
  const info = (manager: string): { manager: string; apiVersion: string; time: string } => ({
    manager,
    apiVersion: "apps/v1",
    time: "2026-01-01T00:00:00Z",
  });

  it("owns the fields it applies, keyed list items included", () => {
    const fields = fieldsOf(
      { metadata: { name: "x", labels: { a: "1" } }, ...containers({ name: "web", image: "1" }) },
      deploymentSchema,
      "main",
    );
    expect([...fields].map((f) => f.split(SEP).join("/")).sort()).toEqual([
      "f:metadata/f:labels/f:a",
      'f:spec/f:template/f:spec/f:containers/k:{"name":"web"}/.',
      'f:spec/f:template/f:spec/f:containers/k:{"name":"web"}/f:image',
      'f:spec/f:template/f:spec/f:containers/k:{"name":"web"}/f:name',
    ]);
  });

  it("conflicts with another manager's field unless forced, and removes fields it stops applying", () => {
    const first = serverSideApply({
      current: undefined,
      applied: { metadata: { name: "x" }, spec: { replicas: 1, paused: true } },
      schema: deploymentSchema,
      info: info("a"),
      force: false,
      scope: "main",
    });
    expect(first["spec"]).toEqual({ replicas: 1, paused: true });
    expect(() =>
      serverSideApply({
        current: first,
        applied: { spec: { replicas: 2 } },
        schema: deploymentSchema,
        info: info("b"),
        force: false,
        scope: "main",
      }),
    ).toThrow(/Apply failed with 1 conflict: conflict with "a": \.spec\.replicas/);
    const shared = serverSideApply({
      current: first,
      applied: { spec: { replicas: 1 } },
      schema: deploymentSchema,
      info: info("b"),
      force: false,
      scope: "main",
    });
    const dropped = serverSideApply({
      current: shared,
      applied: { metadata: { name: "x" } },
      schema: deploymentSchema,
      info: info("a"),
      force: false,
      scope: "main",
    });
    // paused was only a's and is gone; replicas is still b's and stays.
    expect(dropped["spec"]).toEqual({ replicas: 1 });
    const forced = serverSideApply({
      current: dropped,
      applied: { spec: { replicas: 3 } },
      schema: deploymentSchema,
      info: info("c"),
      force: true,
      scope: "main",
    });
    expect(forced["spec"]).toEqual({ replicas: 3 });
    const managers = (forced["metadata"] as { managedFields: { manager: string }[] }).managedFields.map(
      (m) => m.manager,
    );
    expect(managers).toEqual(["c"]);
  });

  it("gives an Update writer the fields it changed", () => {
    const next: Record<string, unknown> = { metadata: { name: "x" }, spec: { replicas: 2 } };
    recordUpdate({
      previous: { metadata: { name: "x" }, spec: { replicas: 1 } },
      next,
      schema: deploymentSchema,
      info: info("kubectl-scale"),
      scope: "main",
    });
    expect((next["metadata"] as { managedFields: unknown[] }).managedFields).toEqual([
      expect.objectContaining({
        manager: "kubectl-scale",
        operation: "Update",
        fieldsV1: { "f:spec": { "f:replicas": {} } },
      }),
    ]);
  });
});
