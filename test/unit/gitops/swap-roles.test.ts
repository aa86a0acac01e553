import { describe, expect, it } from "vitest";
import { swapVolumeReplicationRoles } from "../../../src/gitops/failover/swap-roles.js";

const flow = `# Async replication of the shop database (RPO 5 minutes).
apiVersion: ferry.dev/v1alpha1
kind: VolumeReplication
metadata:
  name: pg-dr
  namespace: shop
spec:
  source: { cluster: east-1, volumeGroup: pg }   # primary
  target: { cluster: west-1, volumeGroup: pg-copy }
  pvcMap:
    data-pg-0: data-pg-copy-0  # data
    wal-pg-0: wal-pg-copy-0
  schedule: "*/5 * * * *"
`;

const block = `apiVersion: ferry.dev/v1alpha1
kind: VolumeGroup
metadata: {name: pg, namespace: shop}
spec: {pvcs: [data-pg-0]}
---
apiVersion: ferry.dev/v1alpha1
kind: VolumeReplication
metadata:
  name: pg-dr
  namespace: shop
spec:
  source:
    cluster: "east-1"    # keep quoting
    volumeGroup: pg
  target:
    volumeGroup: pg
    cluster: 'west-1'
  pvcMap: {"data-pg-0": data-pg-0}
  suspend: false
`;

describe("swapVolumeReplicationRoles", () => {
  it.each([
    {
      name: "flow maps, comments and the pvcMap inverted",
      text: flow,
      expected: flow
        .replace(
          "{ cluster: east-1, volumeGroup: pg }   # primary",
          "{ cluster: west-1, volumeGroup: pg-copy }   # primary",
        )
        .replace(
          "target: { cluster: west-1, volumeGroup: pg-copy }",
          "target: { cluster: east-1, volumeGroup: pg }",
        )
        .replace("data-pg-0: data-pg-copy-0  # data", "data-pg-copy-0: data-pg-0  # data")
        .replace("wal-pg-0: wal-pg-copy-0", "wal-pg-copy-0: wal-pg-0"),
      roles: {
        source: { cluster: "west-1", volumeGroup: "pg-copy" },
        target: { cluster: "east-1", volumeGroup: "pg" },
      },
    },
    {
      name: "block maps in another order, quoting and other documents kept",
      text: block,
      expected: block
        .replace(`cluster: "east-1"    # keep quoting`, `cluster: 'west-1'    # keep quoting`)
        .replace(`cluster: 'west-1'\n  pvcMap`, `cluster: "east-1"\n  pvcMap`)
        .replace(`{"data-pg-0": data-pg-0}`, `{data-pg-0: "data-pg-0"}`),
      roles: {
        source: { cluster: "west-1", volumeGroup: "pg" },
        target: { cluster: "east-1", volumeGroup: "pg" },
      },
    },
  ])("swaps roles: $name", ({ text, expected, roles }) => {
    const result = swapVolumeReplicationRoles({ text, file: "environments/prod/pg.yaml", name: "pg-dr" });
    expect(result).toEqual({ ok: true, value: { text: expected, ...roles } });
    // Swapping twice is the identity: failback undoes failover byte for byte.
    if (result.ok) {
      const back = swapVolumeReplicationRoles({ text: result.value.text, file: "f", name: "pg-dr" });
      expect(back.ok && back.value.text).toBe(text);
    }
  });

  it.each([
    {
      name: "missing object",
      text: flow,
      object: "other",
      namespace: undefined,
      line: 1,
      message: /no VolumeReplication other/,
    },
    {
      name: "other namespace",
      text: flow,
      object: "pg-dr",
      namespace: "prod",
      line: 1,
      message: /no VolumeReplication pg-dr/,
    },
    {
      name: "ambiguous name",
      text: `${flow}---\n${flow.replace("namespace: shop", "namespace: other")}`,
      object: "pg-dr",
      namespace: undefined,
      line: 16,
      message: /give the namespace/,
    },
    {
      name: "target missing",
      text: "kind: VolumeReplication\nmetadata: {name: pg-dr}\nspec:\n  source: {cluster: a, volumeGroup: g}\n",
      object: "pg-dr",
      namespace: undefined,
      line: 4,
      message: /spec.source and spec.target/,
    },
  ])("reports a problem with file and line: $name", ({ text, object, namespace, line, message }) => {
    const result = swapVolumeReplicationRoles({
      text,
      file: "environments/prod/pg.yaml",
      name: object,
      ...(namespace === undefined ? {} : { namespace }),
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ file: "environments/prod/pg.yaml", line });
      expect(result.error.message).toMatch(message);
    }
  });

  it("picks the object by namespace when names repeat", () => {
    const text = `${flow}---\n${flow.replace("namespace: shop", "namespace: other")}`;
    const result = swapVolumeReplicationRoles({ text, file: "f", name: "pg-dr", namespace: "other" });
    expect(result.ok).toBe(true);
    if (result.ok) {
      const [first, second] = result.value.text.split("---\n");
      expect(first).toBe(flow);
      expect(second).toContain("source: { cluster: west-1, volumeGroup: pg-copy }");
    }
  });
});
