import { describe, expect, it } from "vitest";
import { decidePrecheckOutcome } from "../../../src/engine/prechecks/outcome.js";
import { formatFieldPath, remediationProposal } from "../../../src/engine/prechecks/proposal.js";
import type { PrecheckResult } from "../../../src/engine/prechecks/types.js";
import type { RemediationMode } from "../../../src/manifests/types.js";

const file = "environments/prod/shop.yaml";
const ok: PrecheckResult = {
  check: "reachable",
  target: "west-1",
  verdict: "compatible",
  reason: "reachable",
};
const mapClass: PrecheckResult = {
  check: "storage-class",
  target: "west-1",
  subject: "fast-ssd",
  verdict: "actionable",
  reason: "storage class fast-ssd does not exist on the target",
  remediation: {
    kind: "map-storage-class",
    description: "Map it",
    manifestChange: { file, path: ["spec", "storageClassMapping", "fast-ssd"], op: "set", value: "standard" },
  },
};
const mapClassWest2: PrecheckResult = { ...mapClass, target: "west-2" };
const growPvc: PrecheckResult = {
  check: "pvc-size",
  target: "west-1",
  verdict: "actionable",
  reason: "too small",
  remediation: {
    kind: "grow-pvc",
    description: "Grow it",
    liveFix: { kind: "grow-pvc", cluster: "west-1", namespace: "shop", name: "data", storage: "10Gi" },
  },
};
const createNs: PrecheckResult = {
  check: "namespace",
  target: "west-2",
  verdict: "actionable",
  reason: "absent",
  remediation: {
    kind: "create-namespace",
    description: "Create it",
    liveFix: { kind: "create-namespace", cluster: "west-2", name: "shop" },
  },
};
const quota: PrecheckResult = {
  check: "quota",
  target: "west-1",
  verdict: "actionable",
  reason: "over quota",
  remediation: { kind: "raise-quota", description: "Raise it" },
};
const unreachable: PrecheckResult = {
  check: "reachable",
  target: "west-2",
  verdict: "incompatible",
  reason: "cannot reach",
};

describe("decidePrecheckOutcome", () => {
  it.each<RemediationMode>(["auto", "pull-request", "manual", "ignore"])(
    "%s proceeds when everything is compatible",
    (mode) => {
      const outcome = decidePrecheckOutcome([ok, ok], mode);
      expect(outcome).toMatchObject({
        proceed: true,
        liveFixes: [],
        counts: { compatible: 2, actionable: 0, incompatible: 0 },
      });
    },
  );

  it.each<[string, RemediationMode, PrecheckResult[], boolean, number, number]>([
    // mode, results, proceeds, live fixes, blocking
    ["auto fixes what it can live", "auto", [ok, growPvc, createNs], true, 2, 0],
    ["auto stops on an incompatible result and fixes nothing", "auto", [growPvc, unreachable], false, 0, 1],
    [
      "auto stops on an actionable result without a live fix",
      "auto",
      [growPvc, mapClass, quota],
      false,
      0,
      2,
    ],
    ["pull-request stops", "pull-request", [ok, mapClass], false, 0, 1],
    ["manual stops", "manual", [growPvc], false, 0, 1],
    ["ignore proceeds past everything", "ignore", [growPvc, unreachable, quota], true, 0, 0],
  ])("%s", (_name, mode, results, proceed, fixes, blocking) => {
    const outcome = decidePrecheckOutcome(results, mode);
    expect(outcome.proceed).toBe(proceed);
    if (outcome.proceed) expect(outcome.liveFixes).toHaveLength(fixes);
    else {
      expect(outcome.phase).toBe("PrecheckFailed");
      expect(outcome.blocking).toHaveLength(blocking);
    }
  });

  it("auto returns the live fixes themselves", () => {
    const outcome = decidePrecheckOutcome([growPvc, createNs], "auto");
    expect(outcome.proceed && outcome.liveFixes).toEqual([
      growPvc.remediation?.liveFix,
      createNs.remediation?.liveFix,
    ]);
  });

  it("only pull-request mode carries a proposal", () => {
    const pr = decidePrecheckOutcome([mapClass], "pull-request");
    const manual = decidePrecheckOutcome([mapClass], "manual");
    expect(!pr.proceed && pr.proposal?.changes).toHaveLength(1);
    expect(!manual.proceed && manual.proposal).toBeUndefined();
  });

  it("ignore records what it proceeded past", () => {
    const outcome = decidePrecheckOutcome([ok, quota], "ignore");
    expect(outcome.proceed && outcome.overridden).toEqual([quota]);
    expect(outcome.message).toMatch(/1 compatible, 1 actionable, 0 incompatible/);
  });
});

describe("remediationProposal", () => {
  it("lists manifest changes once, and what needs a person", () => {
    const proposal = remediationProposal([mapClass, mapClassWest2, quota, unreachable]);
    expect(proposal.changes).toEqual([
      { ...mapClass.remediation?.manifestChange, reason: mapClass.reason, target: "west-1" },
    ]);
    expect(proposal.manualSteps).toEqual([
      "west-1: over quota — Raise it",
      "west-2: cannot reach — no automatic remediation",
    ]);
    expect(proposal.title).toBe("ferry: remediate pre-checks (1 manifest change(s))");
    expect(proposal.body).toContain(
      '- `environments/prod/shop.yaml` `spec.storageClassMapping.fast-ssd` set to `"standard"` — west-1: storage class fast-ssd does not exist on the target',
    );
    expect(proposal.body).toContain("### Needs a person");
  });

  it("without manifest changes it still explains", () => {
    const proposal = remediationProposal([unreachable]);
    expect(proposal.changes).toEqual([]);
    expect(proposal.title).toBe("ferry: pre-checks need attention");
    expect(proposal.body).not.toContain("### Manifest changes");
  });

  it.each<[(string | number)[], string]>([
    [["spec", "storageClassMapping", "fast-ssd"], "spec.storageClassMapping.fast-ssd"],
    [["spec", "targets", 1, "cluster"], "spec.targets[1].cluster"],
  ])("formats %j", (path, text) => {
    expect(formatFieldPath(path)).toBe(text);
  });
});
