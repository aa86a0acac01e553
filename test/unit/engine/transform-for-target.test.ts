import { describe, expect, it } from "vitest";
import {
  transformForTarget,
  type TransformSpec,
} from "../../../src/engine/transforms/transform-for-target.js";
import { deployment, obj, pvc } from "./objects.js";

const context = { migration: "shop-to-west", sourceCluster: "east-1", backup: "bk-1" };

describe("transformForTarget", () => {
  it("maps, stops, patches and stamps a deployment in that order", () => {
    const spec: TransformSpec = {
      namespaceMapping: { shop: "shop-dr" },
      resourceModifiers: [
        // Matched on the source namespace, applied after scaling to 0.
        {
          match: { kind: "Deployment", namespace: "shop" },
          patch: [{ op: "add", path: "/metadata/labels", value: { patched: "yes" } }],
        },
        // Modifiers cannot remove Ferry's marks: provenance comes last.
        {
          match: {},
          patch: [
            { op: "test", path: "/spec/replicas", value: 0 },
            { op: "add", path: "/metadata/annotations/seen-replicas", value: "0" },
          ],
        },
      ],
    };
    const out = transformForTarget(deployment("web", "shop", 3), spec, context);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.value.metadata).toEqual({
      name: "web",
      namespace: "shop-dr",
      labels: {
        patched: "yes",
        "ferry.dev/managed-by": "ferry",
        "ferry.dev/migration": "shop-to-west",
        "ferry.dev/source-cluster": "east-1",
      },
      annotations: {
        "ferry.dev/source-namespace": "shop",
        "ferry.dev/replicas": "3",
        "seen-replicas": "0",
        "ferry.dev/migration": "shop-to-west",
        "ferry.dev/source-cluster": "east-1",
        "ferry.dev/backup": "bk-1",
      },
    });
    expect((out.value["spec"] as { replicas: number }).replicas).toBe(0);
  });

  it.each<[string, TransformSpec, number]>([
    ["startApplications unset stops", {}, 0],
    ["startApplications false stops", { startApplications: false }, 0],
    ["startApplications true keeps replicas", { startApplications: true }, 3],
  ])("%s", (_name, spec, replicas) => {
    const out = transformForTarget(deployment("web", "shop", 3), spec, context);
    expect(out.ok && (out.value["spec"] as { replicas: number }).replicas).toBe(replicas);
  });

  it("maps storage classes of claims", () => {
    const out = transformForTarget(
      pvc("data", "shop", "5Gi", "fast-ssd"),
      { storageClassMapping: { "fast-ssd": "standard" } },
      context,
    );
    expect(out.ok && (out.value["spec"] as { storageClassName: string }).storageClassName).toBe("standard");
  });

  it("renames a Namespace and matches modifiers on its source name", () => {
    const out = transformForTarget(
      obj("v1", "Namespace", "shop"),
      {
        namespaceMapping: { shop: "shop-dr" },
        resourceModifiers: [
          {
            match: { kind: "Namespace", name: "shop" },
            patch: [{ op: "add", path: "/metadata/labels", value: { env: "dr" } }],
          },
        ],
      },
      context,
    );
    expect(out.ok && out.value.metadata.name).toBe("shop-dr");
    expect(out.ok && out.value.metadata.labels?.["env"]).toBe("dr");
  });

  it("returns modifier problems instead of throwing", () => {
    const out = transformForTarget(
      deployment("web"),
      { resourceModifiers: [{ match: {}, patch: [{ op: "remove", path: "/nope" }] }] },
      context,
    );
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error[0]?.modifier).toBe(0);
  });
});
