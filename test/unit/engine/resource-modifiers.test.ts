import { describe, expect, it } from "vitest";
import {
  applyResourceModifiers,
  modifierMatches,
  type SourceIdentity,
} from "../../../src/engine/transforms/resource-modifiers.js";
import { compileNamePattern } from "../../../src/engine/transforms/name-pattern.js";
import type { ResourceModifier } from "../../../src/manifests/types.js";
import type { KubeObject } from "../../../src/engine/kube-object.js";
import { configMap, deployment, obj } from "./objects.js";

describe("compileNamePattern", () => {
  it.each<[string, string, boolean]>([
    ["web", "web", true],
    ["web", "web-1", false],
    ["web-*", "web-1", true],
    ["web-?", "web-12", false],
    ["a.b", "axb", false],
    ["/^web-\\d+$/", "web-12", true],
    ["/^web-\\d+$/", "web-x", false],
    ["/", "/", true],
  ])("%s matches %s: %s", (pattern, name, expected) => {
    const compiled = compileNamePattern(pattern);
    expect(compiled.ok && compiled.value.test(name)).toBe(expected);
  });

  it("reports an invalid regular expression", () => {
    const compiled = compileNamePattern("/([/");
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.error).toMatch(/invalid regular expression/);
  });
});

describe("modifierMatches", () => {
  const m = (match: ResourceModifier["match"]): ResourceModifier => ({ match, patch: [] });
  it.each<[string, ResourceModifier, KubeObject, SourceIdentity | undefined, boolean]>([
    ["empty match matches all", m({}), configMap("a"), undefined, true],
    ["kind", m({ kind: "Deployment" }), deployment("web"), undefined, true],
    ["kind with group", m({ kind: "Deployment.apps" }), deployment("web"), undefined, true],
    ["kind mismatch", m({ kind: "ConfigMap" }), deployment("web"), undefined, false],
    ["name glob", m({ name: "we*" }), deployment("web"), undefined, true],
    ["name regex", m({ name: "/^w.b$/" }), deployment("web"), undefined, true],
    ["namespace defaults to the object's", m({ namespace: "shop" }), deployment("web"), undefined, true],
    [
      "namespace is the source namespace",
      m({ namespace: "shop" }),
      deployment("web", "shop-dr"),
      { name: "web", namespace: "shop" },
      true,
    ],
    [
      "the mapped namespace does not match",
      m({ namespace: "shop-dr" }),
      deployment("web", "shop-dr"),
      { name: "web", namespace: "shop" },
      false,
    ],
    [
      "name is the source name",
      m({ name: "shop" }),
      obj("v1", "Namespace", "shop-dr"),
      { name: "shop" },
      true,
    ],
    ["namespace mismatch", m({ namespace: "blog" }), deployment("web"), undefined, false],
    [
      "namespace match on cluster-scoped object",
      m({ namespace: "shop" }),
      obj("v1", "Namespace", "shop"),
      undefined,
      false,
    ],
  ])("%s", (_name, modifier, o, source, expected) => {
    expect(modifierMatches(modifier, o, source)).toEqual({ ok: true, value: expected });
  });
});

describe("applyResourceModifiers", () => {
  it.each<[string, ResourceModifier[], (o: KubeObject) => unknown, unknown]>([
    [
      "replaces a field",
      [{ match: { kind: "Deployment" }, patch: [{ op: "replace", path: "/spec/replicas", value: 1 }] }],
      (o) => (o["spec"] as { replicas: number }).replicas,
      1,
    ],
    [
      "adds a label (escaped slash in the key)",
      [{ match: {}, patch: [{ op: "add", path: "/metadata/labels", value: { "example.com~1tier": "x" } }] }],
      (o) => o.metadata.labels,
      { "example.com~1tier": "x" },
    ],
    [
      "applies modifiers in order",
      [
        { match: {}, patch: [{ op: "replace", path: "/spec/replicas", value: 1 }] },
        { match: {}, patch: [{ op: "replace", path: "/spec/replicas", value: 2 }] },
      ],
      (o) => (o["spec"] as { replicas: number }).replicas,
      2,
    ],
    [
      "a failing test op means the modifier does not apply",
      [
        {
          match: {},
          patch: [
            { op: "test", path: "/spec/replicas", value: 7 },
            { op: "replace", path: "/spec/replicas", value: 1 },
          ],
        },
      ],
      (o) => (o["spec"] as { replicas: number }).replicas,
      3,
    ],
    [
      "a passing test op lets it apply",
      [
        {
          match: {},
          patch: [
            { op: "test", path: "/spec/replicas", value: 3 },
            { op: "replace", path: "/spec/replicas", value: 1 },
          ],
        },
      ],
      (o) => (o["spec"] as { replicas: number }).replicas,
      1,
    ],
    [
      "non-matching modifiers are skipped",
      [{ match: { name: "other" }, patch: [{ op: "replace", path: "/spec/replicas", value: 1 }] }],
      (o) => (o["spec"] as { replicas: number }).replicas,
      3,
    ],
  ])("%s", (_name, modifiers, pick, expected) => {
    const input = deployment("web", "shop", 3);
    const before = structuredClone(input);
    const out = applyResourceModifiers(input, modifiers);
    expect(out.ok).toBe(true);
    if (out.ok) expect(pick(out.value)).toEqual(expected);
    expect(input).toEqual(before);
  });

  it.each<[string, ResourceModifier[], { modifier: number; operation?: number; message: RegExp }[]]>([
    [
      "a path that does not exist",
      [{ match: {}, patch: [{ op: "remove", path: "/spec/nothing/here" }] }],
      [{ modifier: 0, operation: 0, message: /./ }],
    ],
    [
      "the second operation fails",
      [
        {
          match: {},
          patch: [
            { op: "replace", path: "/spec/replicas", value: 1 },
            { op: "replace", path: "/no/such", value: 1 },
          ],
        },
      ],
      [{ modifier: 0, operation: 1, message: /^replace \/no\/such: / }],
    ],
    [
      "removing the name leaves no object",
      [{ match: {}, patch: [{ op: "remove", path: "/metadata/name" }] }],
      [{ modifier: 0, message: /metadata\.name/ }],
    ],
    [
      "a label that is not a string",
      [{ match: {}, patch: [{ op: "add", path: "/metadata/labels", value: { a: 1 } }] }],
      [{ modifier: 0, message: /non-string metadata\.labels/ }],
    ],
    [
      "an invalid name pattern is a problem of its modifier",
      [
        { match: {}, patch: [{ op: "replace", path: "/spec/replicas", value: 1 }] },
        { match: { name: "/(/" }, patch: [] },
      ],
      [{ modifier: 1, message: /invalid regular expression/ }],
    ],
  ])("reports %s", (_name, modifiers, problems) => {
    const out = applyResourceModifiers(deployment("web", "shop", 3), modifiers);
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.error).toHaveLength(problems.length);
      out.error.forEach((p, i) => {
        const want = problems[i];
        expect(p.modifier).toBe(want?.modifier);
        expect(p.operation).toBe(want?.operation);
        expect(p.message).toMatch(want?.message ?? /./);
        expect(p.message).not.toContain("\n");
      });
    }
  });
});
