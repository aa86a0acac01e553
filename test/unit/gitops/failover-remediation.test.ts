import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/core/logger.js";
import { systemClock } from "../../../src/core/clock.js";
import type { ProposeRequest, RemediationPort } from "../../../src/gitops/executor/remediation.js";
import { failoverRemediation, sameButLag } from "../../../src/gitops/executor/replicate-volumes.js";
import { loadDesiredState } from "../../../src/manifests/load.js";
import { memoryTree } from "../../../src/manifests/tree-memory.js";
import type { LoadedObject, VolumeReplication } from "../../../src/manifests/types.js";
import type { VolumeReplicationStatus } from "../../../src/volumes/types.js";

const FILE = "environments/prod/pg-dr.yaml";
const TEXT = `# the shop's database
apiVersion: ferry.dev/v1alpha1
kind: VolumeReplication
metadata: {name: pg-dr, namespace: shop}
spec:
  source: {cluster: east-1, volumeGroup: pg}
  target: {cluster: west-1, volumeGroup: pg}
  pvcMap: {data-pg-0: data-pg-0}
  schedule: "*/5 * * * *"
`;

/** A RemediationPort that records what it is asked (Ferry's own port, not a library). */
function recordingPort(): RemediationPort & { proposed: ProposeRequest[]; withdrawn: string[] } {
  const proposed: ProposeRequest[] = [];
  const withdrawn: string[] = [];
  return {
    proposed,
    withdrawn,
    propose(request) {
      proposed.push(request);
      return Promise.resolve({ branch: "ferry/remediate/volumereplication-shop-pg-dr", commit: "abc" });
    },
    withdraw(branch) {
      withdrawn.push(branch);
      return Promise.resolve();
    },
  };
}

const idle: VolumeReplicationStatus = {
  phase: "Idle",
  role: { source: "east-1", target: "west-1" },
  conditions: [],
};
const proposing: VolumeReplicationStatus = {
  ...idle,
  failoverProposal: {
    reason: "east-1 has been unreachable for 3 RPO intervals",
    unreachableSince: "2026-03-02T09:00:00Z",
    source: "west-1",
    target: "east-1",
  },
};

async function loaded(): Promise<LoadedObject<VolumeReplication>> {
  const tree = memoryTree({ [FILE]: TEXT });
  const result = await loadDesiredState(tree, { semanticChecks: false });
  const object = result.state.list("VolumeReplication")[0];
  if (object === undefined) throw new Error("fixture: no VolumeReplication");
  return object;
}

describe("failover proposals of the volume driver as remediation branches", () => {
  it.each([
    ["no proposal, none on record", idle, undefined, false, { proposed: 0, withdrawn: 0, kept: false }],
    ["a new proposal", proposing, undefined, false, { proposed: 1, withdrawn: 0, kept: true }],
    ["a proposal already on record", proposing, "on-record", true, { proposed: 0, withdrawn: 0, kept: true }],
    ["a proposal that went away", idle, "on-record", true, { proposed: 0, withdrawn: 1, kept: false }],
  ] as const)("%s", async (_what, status, previous, hadProposal, expected) => {
    const port = recordingPort();
    const record = await failoverRemediation({
      status,
      previous:
        previous === undefined ? undefined : { branch: "ferry/remediate/volumereplication-shop-pg-dr" },
      hadProposal,
      object: await loaded(),
      commit: "c0ffee",
      deps: {
        clusters: new Map(),
        clock: systemClock,
        logger: silentLogger,
        tree: memoryTree({ [FILE]: TEXT }),
        branch: "main",
        remediation: port,
      },
    });
    expect(port.proposed).toHaveLength(expected.proposed);
    expect(port.withdrawn).toHaveLength(expected.withdrawn);
    expect(record !== undefined).toBe(expected.kept);
  });

  it("proposes the manifest with the roles swapped, comments kept, on the reconciled commit", async () => {
    const port = recordingPort();
    await failoverRemediation({
      status: proposing,
      previous: undefined,
      hadProposal: false,
      object: await loaded(),
      commit: "c0ffee",
      deps: {
        clusters: new Map(),
        clock: systemClock,
        logger: silentLogger,
        tree: memoryTree({ [FILE]: TEXT }),
        branch: "main",
        remediation: port,
      },
    });
    const [request] = port.proposed;
    expect(request).toMatchObject({
      subject: { kind: "VolumeReplication", name: "pg-dr", namespace: "shop" },
      base: "c0ffee",
      baseBranch: "main",
      title: "Fail over shop/pg-dr to west-1",
    });
    expect(request?.body).toContain("east-1 has been unreachable for 3 RPO intervals");
    const content = request?.changes[0]?.content ?? "";
    expect(request?.changes[0]?.path).toBe(FILE);
    expect(content).toContain("# the shop's database");
    expect(content).toMatch(/source: \{ ?cluster: west-1/);
    expect(content).toMatch(/target: \{ ?cluster: east-1/);
  });
});

describe("sameButLag: an idle replication's report is not rewritten for its growing lag", () => {
  const within = (lag: number, status: "True" | "False" = "True") => ({
    ...idle,
    lagSeconds: lag,
    conditions: [
      {
        type: "WithinRPO",
        status,
        reason: status === "True" ? "LagWithinRPO" : "LagBeyondRPO",
        message: `last consistent copy ${lag}s old`,
        lastTransitionTime: "2026-03-02T09:00:00.000Z",
      },
    ],
  });
  it.each([
    ["only the lag grew", within(10), within(70), true],
    ["the WithinRPO verdict flipped", within(10), within(900, "False"), false],
    ["the phase changed", within(10), { ...within(10), phase: "Replicating" as const }, false],
    [
      "a key order from a YAML round trip",
      { conditions: [], role: idle.role, phase: "Idle" as const },
      idle,
      true,
    ],
  ] as const)("%s", (_what, a, b, same) => {
    expect(sameButLag(a, b)).toBe(same);
  });
});
