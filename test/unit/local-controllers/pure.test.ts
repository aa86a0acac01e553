import { describe, expect, it } from "vitest";
import { setCondition } from "../../../src/local/controllers/runtime/conditions.js";
import { formatQuantity } from "../../../src/local/controllers/runtime/format-quantity.js";
import { stableJson, templateHash } from "../../../src/local/controllers/runtime/hash.js";
import { parseQuantity } from "../../../src/local/controllers/runtime/quantity.js";
import { ferryArgv, isFerryImage } from "../../../src/local/controllers/pods/ferry-image.js";
import { durationMs, mapPath } from "../../../src/local/controllers/pods/kubelet.js";
import { podIP } from "../../../src/local/controllers/pods/pod-status.js";
import { maxUnavailable } from "../../../src/local/controllers/workloads/deployments.js";

describe("isFerryImage", () => {
  it.each([
    ["ghcr.io/ferry-dev/ferry", true],
    ["ghcr.io/ferry-dev/ferry:dev", true],
    ["ghcr.io/ferry-dev/ferry:v0.1.0", true],
    ["ghcr.io/ferry-dev/ferry@sha256:abc", true],
    ["ghcr.io/ferry-dev/ferry-operator:dev", false],
    ["docker.io/library/ferry:dev", false],
    ["nginx", false],
    [undefined, false],
  ])("%s → %s", (image, expected) => {
    expect(isFerryImage(image)).toBe(expected);
  });
});

describe("ferryArgv", () => {
  const ferry = ["node", "/repo/bin/ferry.js"];
  it.each([
    [{ args: ["version"] }, ["node", "/repo/bin/ferry.js", "version"]],
    [{ command: ["ferry"], args: ["mover", "backup"] }, ["node", "/repo/bin/ferry.js", "mover", "backup"]],
    [
      { command: ["/usr/local/bin/ferry", "mover"], args: ["restore"] },
      ["node", "/repo/bin/ferry.js", "mover", "restore"],
    ],
  ])("%j runs %j", (container, argv) => {
    expect(ferryArgv(ferry, container)).toEqual({ ok: true, argv });
  });
  it("refuses any other executable", () => {
    expect(ferryArgv(ferry, { command: ["sh", "-c", "ls"] })).toMatchObject({
      ok: false,
      message: expect.stringContaining('"sh"') as unknown,
    });
  });
});

describe("mapPath", () => {
  const map = { "/data": "/host/pv-1", "/data/wal": "/host/pv-2", "/dev/termination-log": "/host/t" };
  it.each([
    ["/data", "/host/pv-1"],
    ["/data/x/y", "/host/pv-1/x/y"],
    ["/data/wal/0001", "/host/pv-2/0001"],
    ["/database", undefined],
    ["/dev/termination-log", "/host/t"],
  ])("%s → %s", (path, expected) => {
    expect(mapPath(map, path)).toBe(expected);
  });
});

describe("quantities", () => {
  it.each([
    ["1Gi", 2 ** 30],
    ["500M", 5e8],
    ["250m", 0.25],
    ["1.5Ki", 1536],
    ["1e3", 1000],
    ["12", 12],
    ["ten", undefined],
  ])("parses %s", (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });
  it.each([
    [2 ** 30, "1Gi"],
    [1536 * 2 ** 20, "1536Mi"],
    [0.25, "250m"],
    [3, "3"],
    [0, "0"],
  ])("formats %s as %s", (value, text) => {
    expect(formatQuantity(value)).toBe(text);
  });
});

describe("templateHash", () => {
  it("ignores key order and changes with the content", () => {
    const a = { spec: { containers: [{ name: "a", image: "x" }] }, metadata: { labels: { app: "a" } } };
    const b = { metadata: { labels: { app: "a" } }, spec: { containers: [{ image: "x", name: "a" }] } };
    expect(stableJson(a)).toBe(stableJson(b));
    expect(templateHash(a)).toBe(templateHash(b));
    expect(templateHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(templateHash({ ...a, spec: { containers: [{ name: "a", image: "y" }] } })).not.toBe(
      templateHash(a),
    );
  });
});

describe("setCondition", () => {
  it("keeps lastTransitionTime while the status holds and moves it when it changes", () => {
    const first = setCondition(undefined, { type: "Ready", status: "True" }, "t1");
    const same = setCondition(first, { type: "Ready", status: "True", reason: "Again" }, "t2");
    const flipped = setCondition(same, { type: "Ready", status: "False" }, "t3");
    expect(first[0]?.lastTransitionTime).toBe("t1");
    expect(same[0]).toMatchObject({ lastTransitionTime: "t1", reason: "Again" });
    expect(flipped).toEqual([{ type: "Ready", status: "False", lastTransitionTime: "t3" }]);
  });
});

describe("small helpers", () => {
  it.each([
    [undefined, 100],
    ["2s", 2000],
    ["750ms", 750],
    ["1m", 60_000],
    ["soon", 100],
  ])("simulated duration %s is %i ms", (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });
  it("gives a pod a stable address in 10.244.0.0/16", () => {
    expect(podIP("uid-1")).toBe(podIP("uid-1"));
    expect(podIP("uid-1")).toMatch(/^10\.244\.\d{1,3}\.\d{1,3}$/);
  });
  it.each([
    [{ spec: {} }, 4, 1],
    [{ spec: { strategy: { rollingUpdate: { maxUnavailable: "50%" } } } }, 4, 2],
    [{ spec: { strategy: { rollingUpdate: { maxUnavailable: 0 } } } }, 4, 0],
    [{ spec: { strategy: { type: "Recreate" } } }, 4, 4],
  ])("maxUnavailable of %j with %i replicas is %i", (d, replicas, expected) => {
    expect(maxUnavailable({ apiVersion: "apps/v1", kind: "Deployment", metadata: {}, ...d }, replicas)).toBe(
      expected,
    );
  });
});
