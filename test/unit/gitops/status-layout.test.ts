import { describe, expect, it } from "vitest";
import { reportPhase, statusCommitMessage, statusReportPath } from "../../../src/gitops/git/status-layout.js";

describe("status layout", () => {
  it.each([
    [
      { kind: "Migration", namespace: "shop", name: "shop-to-west" },
      undefined,
      "status/migration/shop/shop-to-west.yaml",
    ],
    [{ kind: "SchedulePolicy", name: "testpolicy" }, undefined, "status/schedulepolicy/testpolicy.yaml"],
    [
      { kind: "VolumeReplication", namespace: "shop", name: "pg-dr" },
      "reports",
      "reports/volumereplication/shop/pg-dr.yaml",
    ],
  ])("places %o under %s at %s", (subject, folder, path) => {
    expect(statusReportPath(subject, folder)).toBe(path);
  });

  it.each([
    ["phase: Completed\n", "Completed"],
    ["status:\n  phase: Failed\n", "Failed"],
    ["kind: Migration\n", undefined],
    ["- a list\n", undefined],
    ["phase: [unclosed\n", undefined],
  ])("reads the phase of %j", (content, phase) => {
    expect(reportPhase(content)).toBe(phase);
  });

  it("summarises counts by phase and lists the reports", () => {
    const message = statusCommitMessage([
      { path: "status/migration/shop/a.yaml", phase: "Completed", deleted: false },
      { path: "status/migration/shop/b.yaml", phase: "Failed", deleted: false },
      { path: "status/migration/shop/c.yaml", phase: "Completed", deleted: false },
      { path: "status/migration/old.yaml", deleted: true },
    ]);
    expect(message).toBe(
      "ferry status: 3 reports updated, 1 removed (Completed 2, Failed 1)\n\n" +
        "Completed    migration/shop/a\nFailed       migration/shop/b\nCompleted    migration/shop/c\nremoved      migration/old\n",
    );
  });

  it("lists only the first twenty reports", () => {
    const many = Array.from({ length: 25 }, (_, i) => ({
      path: `status/migration/m${i}.yaml`,
      deleted: false,
    }));
    const lines = statusCommitMessage(many).trimEnd().split("\n");
    expect(lines[0]).toBe("ferry status: 25 reports updated (Unknown 25)");
    expect(lines).toHaveLength(2 + 20 + 1);
    expect(lines.at(-1)).toBe("… and 5 more");
  });
});
