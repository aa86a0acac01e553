import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { eventually, startHarness, type Harness } from "./harness.js";

/** Other kubectl versions installed next to the default one (the Cloud SDK ships 1.27–1.33). */
const OTHER_KUBECTLS = ["1.27", "1.28", "1.29", "1.30", "1.31", "1.33"]
  .map((v) => ({ version: v, path: `/usr/lib/google-cloud-sdk/bin/kubectl.${v}` }))
  .filter((k) => existsSync(k.path));

/** The real kubectl against a local cluster: the commands users and the README rely on. */
describe("local clusters with the real kubectl", () => {
  let h: Harness;

  const app = (replicas: number, env: string): string => `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web, tier: front}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
        env: [{name: MODE, value: "${env}"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop, labels: {app: web}}
data: {color: blue}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("lists the system namespaces and one Ready node", async () => {
    const ns = await h.kubectl(["get", "ns"]);
    expect(ns).toMatch(/^NAME\s+STATUS\s+AGE/);
    for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"])
      expect(ns).toMatch(new RegExp(`${name}\\s+Active`));
    expect(await h.kubectl(["get", "nodes"])).toMatch(/east-1-control-plane\s+Ready\s+control-plane/);
    expect(await h.kubectl(["get", "sc"])).toMatch(
      /standard \(default\)\s+local\.ferry\.dev\/hostpath\s+Delete\s+Immediate\s+true/,
    );
  });

  it("api-resources lists kinds with short names, groups and scope", async () => {
    const out = await h.kubectl(["api-resources"]);
    expect(out).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
    expect(out).toMatch(/persistentvolumes\s+pv\s+v1\s+false\s+PersistentVolume/);
    expect(out).toMatch(/volumesnapshots\s+vs\s+snapshot\.storage\.k8s\.io\/v1\s+true\s+VolumeSnapshot/);
    expect(out).toMatch(/customresourcedefinitions\s+crd,crds\s+apiextensions\.k8s\.io\/v1\s+false/);
  });

  it("applies client-side, then re-applies a change as a strategic merge patch", async () => {
    const created = await h.kubectl(["apply", "-f", "-"], { input: app(2, "a") });
    expect(created).toContain("namespace/shop created");
    expect(created).toContain("deployment.apps/web created");
    const updated = await h.kubectl(["apply", "-f", "-"], { input: app(3, "b") });
    expect(updated).toContain("deployment.apps/web configured");
    expect(updated).toContain("configmap/settings unchanged");
    const deploy = parse(await h.kubectl(["-n", "shop", "get", "deploy", "web", "-o", "yaml"])) as {
      metadata: { generation: number; annotations: Record<string, string> };
      spec: { replicas: number; template: { spec: { containers: { env: unknown[] }[] } } };
    };
    expect(deploy.spec.replicas).toBe(3);
    expect(deploy.metadata.generation).toBe(2);
    expect(deploy.spec.template.spec.containers[0]?.env).toEqual([{ name: "MODE", value: "b" }]);
    expect(deploy.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toContain(
      '"replicas":3',
    );
  });

  it("gets with -l, -A and tables with the kinds' columns", async () => {
    const labelled = await h.kubectl(["get", "cm", "-A", "-l", "app=web"]);
    expect(labelled).toMatch(/^NAMESPACE\s+NAME\s+DATA\s+AGE\n/);
    expect(labelled).toMatch(/shop\s+settings\s+1\s+/);
    expect(await h.kubectl(["get", "cm", "-A", "-l", "app!=web"])).not.toContain("settings");
    expect(await h.kubectl(["-n", "shop", "get", "deploy"])).toMatch(
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+0\/3\s+0\s+0\s+/,
    );
    expect(await h.kubectl(["-n", "shop", "get", "svc"])).toMatch(
      /web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP/,
    );
    const names = await h.kubectl(["-n", "shop", "get", "all", "-o", "name"]);
    expect(names.split("\n")).toEqual(expect.arrayContaining(["service/web", "deployment.apps/web"]));
  });

  it("describes a deployment", async () => {
    const out = await h.kubectl(["-n", "shop", "describe", "deploy", "web"]);
    expect(out).toMatch(/Name:\s+web/);
    expect(out).toMatch(/Replicas:\s+3 desired/);
    expect(out).toMatch(/MODE:\s+b/);
  });

  it("patches with --type=json, merge and strategic", async () => {
    await h.kubectl([
      "-n",
      "shop",
      "patch",
      "deploy",
      "web",
      "--type=json",
      "-p",
      '[{"op":"replace","path":"/spec/replicas","value":4}]',
    ]);
    await h.kubectl([
      "-n",
      "shop",
      "patch",
      "deploy",
      "web",
      "--type=merge",
      "-p",
      '{"metadata":{"labels":{"patched":"yes"}}}',
    ]);
    await h.kubectl([
      "-n",
      "shop",
      "patch",
      "deploy",
      "web",
      "-p",
      '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}}}',
    ]);
    const out = await h.kubectl([
      "-n",
      "shop",
      "get",
      "deploy",
      "web",
      "-o",
      "jsonpath={.spec.replicas} {.metadata.labels.patched} {.spec.template.spec.containers[*].name}",
    ]);
    // The strategic patch merged the new container by name instead of replacing the list.
    expect(out).toBe("4 yes web sidecar");
    const failed = await h.kubectlResult([
      "-n",
      "shop",
      "patch",
      "deploy",
      "web",
      "--type=json",
      "-p",
      '[{"op":"test","path":"/spec/replicas","value":9}]',
    ]);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain("invalid");
  });

  it("scales through the scale subresource", async () => {
    expect(await h.kubectl(["-n", "shop", "scale", "deploy", "web", "--replicas=1"])).toContain(
      "deployment.apps/web scaled",
    );
    expect(await h.kubectl(["-n", "shop", "get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"])).toBe(
      "1",
    );
  });

  it("applies server-side, records managed fields and reports conflicts", async () => {
    const cm =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: shop}\ndata: {a: '1', b: '2'}\n";
    expect(await h.kubectl(["apply", "--server-side", "-f", "-"], { input: cm })).toContain(
      "configmap/ssa serverside-applied",
    );
    await h.kubectl(["apply", "--server-side", "-f", "-"], { input: cm.replace("b: '2'", "c: '3'") });
    const got = parse(
      await h.kubectl(["-n", "shop", "get", "cm", "ssa", "-o", "yaml", "--show-managed-fields"]),
    ) as {
      data: Record<string, string>;
      metadata: { managedFields: { manager: string; operation: string }[] };
    };
    // b was applied before and is no longer: server-side apply removed it.
    expect(got.data).toEqual({ a: "1", c: "3" });
    expect(got.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: "kubectl", operation: "Apply" }),
    ]);
    // replicas was last set by kubectl scale: applying another value conflicts until forced.
    const conflict = await h.kubectlResult(["apply", "--server-side", "-f", "-"], { input: app(2, "b") });
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(/Apply failed with \d+ conflicts?: conflict with "kubectl[a-z-]*"/);
    expect(conflict.stderr).toContain(".spec.replicas");
    await h.kubectl(["apply", "--server-side", "--force-conflicts", "-f", "-"], { input: app(2, "b") });
    expect(await h.kubectl(["-n", "shop", "get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"])).toBe(
      "2",
    );
  });

  it("explains kinds and fields from the OpenAPI v3 documents", async () => {
    const field = await h.kubectl(["explain", "deployment.spec.replicas"]);
    expect(field).toMatch(/GROUP:\s+apps/);
    expect(field).toMatch(/FIELD: replicas <integer>/);
    expect(field).toContain("Number of desired pods");
    expect(await h.kubectl(["explain", "pvc.spec"])).toContain("storageClassName");
  });

  it("serves a CRD once established, validates its CRs, and deletes them with it", async () => {
    const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}, scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}}
    additionalPrinterColumns: [{name: Size, type: integer, jsonPath: .spec.size}]
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1}
              replicas: {type: integer}
              color: {type: string, enum: [red, blue]}
`;
    await h.kubectl(["apply", "-f", "-"], { input: crd });
    await h.kubectl(["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=10s"]);
    const widget = (size: number, color: string): string =>
      `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: shop}\nspec: {size: ${size}, color: ${color}}\n`;
    const bad = await h.kubectlResult(["apply", "-f", "-"], { input: widget(0, "green") });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('The Widget "w1" is invalid');
    expect(bad.stderr).toContain('spec.color: Unsupported value: "green"');
    await h.kubectl(["apply", "-f", "-"], { input: widget(3, "red") });
    expect(await h.kubectl(["-n", "shop", "get", "wd"])).toMatch(/^NAME\s+SIZE\s+AGE\nw1\s+3\s+/);
    await h.kubectl(["-n", "shop", "patch", "wd", "w1", "--type=merge", "-p", '{"spec":{"size":5}}']);
    expect(
      await h.kubectl([
        "-n",
        "shop",
        "get",
        "wd",
        "w1",
        "-o",
        "jsonpath={.spec.size} {.metadata.generation}",
      ]),
    ).toBe("5 2");
    expect(await h.kubectl(["-n", "shop", "scale", "wd", "w1", "--replicas=3"])).toContain(
      "widget.example.com/w1 scaled",
    );
    expect(await h.kubectl(["-n", "shop", "get", "wd", "w1", "-o", "jsonpath={.spec.replicas}"])).toBe("3");
    await h.kubectl(["delete", "crd", "widgets.example.com"]);
    await eventually(async () =>
      (await h.kubectlResult(["get", "crd", "widgets.example.com"])).code !== 0 ? true : undefined,
    );
    expect((await h.kubectl(["api-resources", "--api-group=example.com"])).trim().split("\n")).toHaveLength(
      1,
    );
  });

  it("watches with -w and prints each change", async () => {
    const child = spawn("kubectl", [
      "--kubeconfig",
      h.clusters.kubeconfigPath,
      "--context",
      "east-1",
      "--cache-dir",
      `${h.dir}/kube-cache`,
      "-n",
      "shop",
      "get",
      "cm",
      "-l",
      "watch=me",
      "-w",
      "--output-watch-events",
    ]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    try {
      await eventually(() => (child.pid !== undefined ? true : undefined));
      await new Promise((r) => setTimeout(r, 300));
      await h.kubectl(["-n", "shop", "create", "-f", "-"], {
        input:
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched, labels: {watch: me}}\ndata: {a: b}\n",
      });
      await h.kubectl(["-n", "shop", "label", "cm", "watched", "seen=yes"]);
      await h.kubectl(["-n", "shop", "delete", "cm", "watched"]);
      await eventually(() => (/DELETED/.test(out) ? true : undefined));
      expect(out).toMatch(/ADDED\s+watched/);
      expect(out).toMatch(/MODIFIED\s+watched/);
      expect(out).toMatch(/DELETED\s+watched/);
    } finally {
      child.kill();
    }
  });

  it("answers Status errors kubectl prints", async () => {
    const missing = await h.kubectlResult(["-n", "shop", "get", "cm", "nope"]);
    expect(missing.stderr).toContain('Error from server (NotFound): configmaps "nope" not found');
    const exists = await h.kubectlResult(["-n", "shop", "create", "-f", "-"], {
      input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n",
    });
    expect(exists.stderr).toContain(
      'Error from server (AlreadyExists): error when creating "STDIN": configmaps "settings" already exists',
    );
    const invalid = await h.kubectlResult(["apply", "-f", "-"], {
      input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name, namespace: shop}\n",
    });
    expect(invalid.stderr).toContain(
      'The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"',
    );
    const noNs = await h.kubectlResult(["apply", "-f", "-"], {
      input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: missing}\n",
    });
    expect(noNs.stderr).toContain('namespaces "missing" not found');
    const unknown = await h.kubectlResult(["apply", "-f", "-"], {
      input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: shop}\nspecial: 1\n",
    });
    expect(unknown.stderr).toContain('unknown field "special"');
  });

  it("creates with kubectl create, whose typed clients send protobuf", async () => {
    await h.kubectl(["create", "namespace", "made"]);
    await h.kubectl(["-n", "made", "create", "configmap", "c", "--from-literal=a=1", "--from-literal=b=2"]);
    await h.kubectl(["-n", "made", "create", "secret", "generic", "s", "--from-literal=password=hunter2"]);
    await h.kubectl(["-n", "made", "create", "serviceaccount", "robot"]);
    await h.kubectl([
      "-n",
      "made",
      "create",
      "deployment",
      "d",
      "--image=nginx:1.27",
      "--port=8080",
      "--replicas=2",
    ]);
    expect(await h.kubectl(["-n", "made", "get", "cm", "c", "-o", "jsonpath={.data}"])).toBe(
      '{"a":"1","b":"2"}',
    );
    expect(
      Buffer.from(
        await h.kubectl(["-n", "made", "get", "secret", "s", "-o", "jsonpath={.data.password}"]),
        "base64",
      ).toString(),
    ).toBe("hunter2");
    expect(await h.kubectl(["-n", "made", "get", "sa", "-o", "name"])).toBe(
      "serviceaccount/default\nserviceaccount/robot\n",
    );
    const deploy = JSON.parse(await h.kubectl(["-n", "made", "get", "deploy", "d", "-o", "json"])) as {
      spec: {
        replicas: number;
        selector: unknown;
        template: { spec: { containers: { ports: unknown[] }[] } };
      };
    };
    expect(deploy.spec.replicas).toBe(2);
    expect(deploy.spec.selector).toEqual({ matchLabels: { app: "d" } });
    expect(deploy.spec.template.spec.containers[0]?.ports).toEqual([
      { containerPort: 8080, protocol: "TCP" },
    ]);
    const unsupported = await h.kubectlResult(["-n", "made", "create", "job", "j", "--image=busybox"]);
    expect(unsupported.stderr).toContain("protobuf bodies only for");
  });

  it.runIf(OTHER_KUBECTLS.length > 0)(
    "works with kubectl 1.27 to 1.33: apply (both kinds), patch, explain, validation",
    async () => {
      for (const { version, path } of OTHER_KUBECTLS) {
        const run = (args: string[], input?: string): Promise<string> =>
          new Promise((resolve, reject) => {
            const child = execFile(
              path,
              [
                "--kubeconfig",
                h.clusters.kubeconfigPath,
                "--context",
                "east-1",
                "--cache-dir",
                `${h.dir}/cache-${version}`,
                ...args,
              ],
              (error, stdout, stderr) =>
                error === null
                  ? resolve(stdout)
                  : reject(new Error(`kubectl ${version} ${args.join(" ")}: ${stderr}`)),
            );
            child.stdin?.end(input ?? "");
          });
        const name = `v${version.replace(".", "")}`;
        const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: shop}\ndata: {a: "1"}\n`;
        expect(await run(["apply", "-f", "-"], cm)).toContain(`configmap/${name} created`);
        expect(await run(["apply", "-f", "-"], cm.replace('a: "1"', 'a: "2"'))).toContain(
          `configmap/${name} configured`,
        );
        expect(
          await run(
            ["apply", "--server-side", "-f", "-"],
            cm.replace('a: "1"', 'a: "3"').replace(name, `${name}-ssa`),
          ),
        ).toContain("serverside-applied");
        await run([
          "-n",
          "shop",
          "patch",
          "deploy",
          "web",
          "-p",
          `{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:${version}"}]}}}}`,
        ]);
        expect(
          await run([
            "-n",
            "shop",
            "get",
            "deploy",
            "web",
            "-o",
            "jsonpath={.spec.template.spec.containers[*].image}",
          ]),
        ).toMatch(new RegExp(`^nginx:${version}( |$)`));
        expect(await run(["explain", "deployment.spec.replicas"])).toContain("replicas <integer>");
        await expect(run(["apply", "-f", "-"], cm.replace("\ndata:", "\nbogus: 1\ndata:"))).rejects.toThrow(
          'unknown field "bogus"',
        );
      }
    },
  );

  it("deletes a namespace with everything in it", async () => {
    expect(await h.kubectl(["delete", "ns", "shop", "--wait=false"])).toContain('namespace "shop" deleted');
    await eventually(async () =>
      (await h.kubectlResult(["get", "ns", "shop"])).code !== 0 ? true : undefined,
    );
    const left = await h.kubectl(["get", "deploy,cm,svc", "-A", "-o", "name"]);
    expect(left).not.toContain("web");
    expect(parseAllDocuments(await h.kubectl(["get", "ns", "-o", "yaml"])).length).toBe(1);
  });
});
