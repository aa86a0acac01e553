import { describe, expect, it } from "vitest";
import { decideRestoreAction, type RestoreActionKind } from "../../../src/engine/restore/restore-action.js";
import { canonicalJson, desiredHash, withDesiredHash } from "../../../src/engine/restore/desired-hash.js";
import { firstDifference } from "../../../src/engine/restore/contains-desired.js";
import { keepLargerPvcRequest } from "../../../src/engine/restore/pvc-size.js";
import { withProvenance } from "../../../src/engine/transforms/provenance.js";
import type { KubeObject } from "../../../src/engine/kube-object.js";
import { configMap, obj, pvc } from "./objects.js";

const stamp = (o: KubeObject, backup = "bk-1"): KubeObject =>
  withProvenance(o, { migration: "m", sourceCluster: "east", backup });

/** What the API server returns after Ferry wrote `written`: server fields added. */
function asLive(written: KubeObject, extra: Record<string, unknown> = {}): KubeObject {
  const live = structuredClone(written);
  Object.assign(live.metadata, {
    uid: "u-1",
    resourceVersion: "7",
    creationTimestamp: "2026-01-01T00:00:00Z",
    managedFields: [],
  });
  return { ...live, status: { phase: "Bound" }, ...extra };
}

describe("canonicalJson and desiredHash", () => {
  it.each<unknown>([
    null,
    1,
    "s",
    true,
    [1, "a", null],
    { a: [{ b: 1 }], c: { d: "x" } },
    { u: undefined, n: null },
    [undefined],
  ])("canonicalJson(%j) is JSON", (value) => {
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it("ignore key order", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
    expect(desiredHash(configMap("a", "shop", { x: "1", y: "2" }))).toBe(
      desiredHash(configMap("a", "shop", { y: "2", x: "1" })),
    );
  });

  it("ignore the backup annotation but not other content", () => {
    expect(desiredHash(stamp(configMap("a"), "bk-1"))).toBe(desiredHash(stamp(configMap("a"), "bk-2")));
    expect(desiredHash(configMap("a", "shop", { x: "1" }))).not.toBe(
      desiredHash(configMap("a", "shop", { x: "2" })),
    );
  });

  it("is stored in an annotation that does not change the hash", () => {
    const stamped = withDesiredHash(configMap("a"));
    expect(stamped.metadata.annotations?.["ferry.dev/desired-hash"]).toMatch(/^[0-9a-f]{32}$/);
    expect(desiredHash(stamped)).toBe(desiredHash(configMap("a")));
  });
});

describe("firstDifference", () => {
  it.each<[string, unknown, unknown, string | undefined]>([
    ["equal scalars", 1, 1, undefined],
    ["different scalars", { a: 1 }, { a: 2 }, ".a"],
    ["extra live fields are ignored", { a: 1 }, { a: 1, b: 2 }, undefined],
    ["missing live field", { a: { b: 1 } }, { a: {} }, ".a.b"],
    ["arrays by element", { l: [{ x: 1 }, { x: 2 }] }, { l: [{ x: 1, y: 0 }, { x: 3 }] }, ".l[1].x"],
    ["arrays of other length", { l: [1] }, { l: [1, 2] }, ".l"],
    ["desired null matches absent", { a: null }, {}, undefined],
    ["type change", { a: { b: 1 } }, { a: "x" }, ".a"],
  ])("%s", (_name, desired, live, expected) => {
    expect(firstDifference(desired, live)).toBe(expected);
  });
});

describe("decideRestoreAction", () => {
  const desired = stamp(configMap("settings", "shop", { a: "1" }));
  const written = withDesiredHash(desired);
  const foreign = configMap("settings", "shop", { a: "0" });
  const customisedDefaultSa = stamp(
    obj("v1", "ServiceAccount", "default", "shop", { imagePullSecrets: [{ name: "r" }] }),
  );

  it.each<[string, KubeObject | undefined, { overwrite?: boolean }, RestoreActionKind, RegExp]>([
    ["absent → create", undefined, {}, "create", /not on the target/],
    ["Ferry's and identical → unchanged", asLive(written), {}, "unchanged", /matches/],
    [
      "Ferry's, identical, written by another backup → unchanged",
      asLive(withDesiredHash(stamp(configMap("settings", "shop", { a: "1" }), "bk-0"))),
      {},
      "unchanged",
      /matches/,
    ],
    [
      "Ferry's, source changed → update",
      asLive(withDesiredHash(stamp(configMap("settings", "shop", { a: "old" })))),
      {},
      "update",
      /source changed/,
    ],
    [
      "Ferry's, changed by hand on the target → update",
      asLive({ ...written, data: { a: "edited" } }),
      {},
      "update",
      /changed on the target at \.data\.a/,
    ],
    [
      "Ferry's, a field removed at the source → update (the hash sees it)",
      asLive(withDesiredHash(stamp(configMap("settings", "shop", { a: "1", gone: "x" })))),
      {},
      "update",
      /source changed/,
    ],
    ["someone else's → skip-foreign", foreign, {}, "skip-foreign", /not created by Ferry.*overwrite/],
    ["someone else's with overwrite → update", foreign, { overwrite: true }, "update", /overwriting/],
    [
      "the target's own default service account is adoptable",
      obj("v1", "ServiceAccount", "default", "shop"),
      {},
      "update",
      /overwriting/,
    ],
  ])("%s", (_name, live, options, action, reason) => {
    const d = live?.kind === "ServiceAccount" ? customisedDefaultSa : desired;
    const decision = decideRestoreAction(d, live, options);
    expect(decision.action).toBe(action);
    expect(decision.reason).toMatch(reason);
    if (decision.action === "create" || decision.action === "update") {
      expect(decision.object.metadata.annotations?.["ferry.dev/desired-hash"]).toBe(desiredHash(d));
    }
  });

  it("a second run over the result of the first changes nothing", () => {
    const first = decideRestoreAction(desired, undefined);
    if (first.action !== "create") throw new Error("expected create");
    const again = decideRestoreAction(
      stamp(configMap("settings", "shop", { a: "1" }), "bk-2"),
      asLive(first.object),
    );
    expect(again.action).toBe("unchanged");
  });

  it("does not shrink a claim that is larger on the target", () => {
    const want = stamp(pvc("data", "shop", "1Gi", "standard"));
    const liveClaim = asLive(withDesiredHash(want));
    (liveClaim["spec"] as { resources: { requests: { storage: string } } }).resources.requests.storage =
      "5Gi";
    expect(decideRestoreAction(want, liveClaim).action).toBe("unchanged");
  });
});

describe("keepLargerPvcRequest", () => {
  it.each<[string, string, string]>([
    ["1Gi", "5Gi", "5Gi"],
    ["5Gi", "1Gi", "5Gi"],
    ["1Gi", "1024Mi", "1Gi"],
    ["1Gi", "bogus", "1Gi"],
  ])("desired %s, live %s → %s", (want, have, expected) => {
    const out = keepLargerPvcRequest(pvc("d", "shop", want), pvc("d", "shop", have));
    expect((out["spec"] as { resources: { requests: { storage: string } } }).resources.requests.storage).toBe(
      expected,
    );
  });

  it("leaves other kinds alone", () => {
    const cm = configMap("a");
    expect(keepLargerPvcRequest(cm, configMap("a"))).toBe(cm);
  });
});
