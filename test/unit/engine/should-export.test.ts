import { describe, expect, it } from "vitest";
import { shouldExport, type ExportContext } from "../../../src/engine/export/should-export.js";
import { skipReason } from "../../../src/engine/export/skip-rules.js";
import type { KubeObject } from "../../../src/engine/kube-object.js";
import { configMap, deployment, obj } from "./objects.js";

const controller = {
  ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "u", controller: true }],
};
const nonController = { ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "x", uid: "u" }] };

describe("skipReason", () => {
  it.each<[string, KubeObject, boolean]>([
    ["a deployment", deployment("web"), false],
    ["a controlled pod", obj("v1", "Pod", "web-1-abc", "shop", {}, controller), true],
    ["a bare pod", obj("v1", "Pod", "debug", "shop", { status: { phase: "Running" } }), false],
    ["a pod owned without controller flag", obj("v1", "Pod", "p", "shop", {}, nonController), false],
    ["a finished bare pod", obj("v1", "Pod", "done", "shop", { status: { phase: "Succeeded" } }), true],
    ["a failed bare pod", obj("v1", "Pod", "boom", "shop", { status: { phase: "Failed" } }), true],
    ["a replica set of a deployment", obj("apps/v1", "ReplicaSet", "web-1", "shop", {}, controller), true],
    ["a standalone replica set", obj("apps/v1", "ReplicaSet", "rs", "shop"), false],
    ["a job of a cron job", obj("batch/v1", "Job", "nightly-1", "shop", {}, controller), true],
    ["a standalone job", obj("batch/v1", "Job", "migrate", "shop"), false],
    [
      "a service-account token",
      obj("v1", "Secret", "t", "shop", { type: "kubernetes.io/service-account-token" }),
      true,
    ],
    ["an opaque secret", obj("v1", "Secret", "s", "shop", { type: "Opaque" }), false],
    ["kube-root-ca.crt", configMap("kube-root-ca.crt"), true],
    ["another config map", configMap("settings"), false],
    ["the default service account", obj("v1", "ServiceAccount", "default", "shop"), true],
    [
      "a customised default service account",
      obj("v1", "ServiceAccount", "default", "shop", { imagePullSecrets: [{ name: "reg" }] }),
      false,
    ],
    ["another service account", obj("v1", "ServiceAccount", "app", "shop"), false],
    ["an event", obj("v1", "Event", "e", "shop"), true],
    ["an events.k8s.io event", obj("events.k8s.io/v1", "Event", "e", "shop"), true],
    ["a lease", obj("coordination.k8s.io/v1", "Lease", "l", "shop"), true],
    ["a controller revision", obj("apps/v1", "ControllerRevision", "r", "shop"), true],
    ["a persistent volume", obj("v1", "PersistentVolume", "pv-1"), true],
    [
      "an object being deleted",
      configMap("old", "shop", {}, { deletionTimestamp: "2026-01-01T00:00:00Z" }),
      true,
    ],
    ["endpoints without context", obj("v1", "Endpoints", "web", "shop"), true],
    [
      "a controller's endpoint slice",
      obj(
        "discovery.k8s.io/v1",
        "EndpointSlice",
        "web-x",
        "shop",
        {},
        { labels: { "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" } },
      ),
      true,
    ],
    [
      "a user's endpoint slice",
      obj(
        "discovery.k8s.io/v1",
        "EndpointSlice",
        "ext",
        "shop",
        {},
        { labels: { "endpointslice.kubernetes.io/managed-by": "team.example.com" } },
      ),
      false,
    ],
  ])("%s → skipped %s", (_name, o, skipped) => {
    expect(skipReason(o) !== undefined).toBe(skipped);
  });

  it.each<[string, boolean]>([
    ["shop/web", true],
    ["shop/external-db", false],
  ])("endpoints %s skipped when its service has a selector: %s", (key, skipped) => {
    const [, name = ""] = key.split("/");
    const reason = skipReason(obj("v1", "Endpoints", name, "shop"), {
      servicesWithSelector: new Set(["shop/web"]),
    });
    expect(reason !== undefined).toBe(skipped);
  });

  it("explains why", () => {
    expect(skipReason(configMap("kube-root-ca.crt"))).toMatch(/published by the target/);
  });
});

describe("shouldExport", () => {
  const context: ExportContext = {
    namespaces: ["shop"],
    resourceFilter: { labelSelector: { matchLabels: { app: "shop" } }, excludeKinds: ["secrets"] },
    kindInfo: new Map([["/Secret", { group: "", kind: "Secret", plural: "secrets" }]]),
  };
  const labelled = { labels: { app: "shop" } };
  it.each<[string, KubeObject, boolean, RegExp?]>([
    ["selected namespace object", obj("v1", "Namespace", "shop"), true],
    ["other namespace object", obj("v1", "Namespace", "blog"), false, /not selected/],
    ["matching config map", configMap("a", "shop", {}, labelled), true],
    ["config map without the label", configMap("a", "shop"), false, /selector/],
    ["object in another namespace", configMap("a", "blog", {}, labelled), false, /namespace blog/],
    [
      "excluded kind by plural",
      obj("v1", "Secret", "s", "shop", { type: "Opaque" }, labelled),
      false,
      /kind/,
    ],
    [
      "cluster-scoped object",
      obj("rbac.authorization.k8s.io/v1", "ClusterRole", "r", undefined, {}, labelled),
      false,
      /dependencies/,
    ],
    ["skip rule applies after filters", obj("v1", "Event", "e", "shop", {}, labelled), false, /history/],
  ])("%s → %s", (_name, o, expected, reason) => {
    const decision = shouldExport(o, context);
    expect(decision.export).toBe(expected);
    if (!decision.export && reason !== undefined) expect(decision.reason).toMatch(reason);
  });
});
