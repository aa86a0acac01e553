/**
 * `npm run bench:validate`: generates a desired-state repo of 10,000 manifests (all eight
 * kinds, realistic shapes), loads and validates it through the same loader and checks as
 * `ferry validate`, and prints manifests per second. The goal is ≥ 15,000/s: twice
 * kubeconform's published 50,714 resources in 6.7 s (7,569/s).
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createManifestValidator,
  directoryTree,
  loadDesiredState,
  memoryTree,
} from "../src/manifests/index.js";
import type { TreeSource } from "../src/manifests/index.js";

const TOTAL = Number(process.env["BENCH_MANIFESTS"] ?? 10_000);
const RUNS = Number(process.env["BENCH_RUNS"] ?? 5);
const KUBECONFORM_PER_SECOND = 50_714 / 6.7;
const GOAL = 15_000;

const FLEETS = 10;
const CLUSTERS_PER_FLEET = 10;
const POLICIES = 50;
const ENVIRONMENTS = 20;
const header = "apiVersion: ferry.dev/v1alpha1\n";

/** path → YAML text, and how many manifests it holds. */
function generate(total: number): { files: Record<string, string>; manifests: number } {
  const files: Record<string, string> = {};
  let manifests = 0;
  const docs = (list: string[]): string => {
    manifests += list.length;
    return list.map((d) => header + d).join("---\n");
  };
  for (let f = 0; f < FLEETS; f++) {
    const names = Array.from({ length: CLUSTERS_PER_FLEET }, (_, c) => `f${f}-c${c}`);
    files[`clusters/fleet-${f}.yaml`] = docs([
      `kind: Fleet\nmetadata:\n  name: fleet-${f}\nspec:\n  clusters: [${names.join(", ")}]\n`,
      ...names.map(
        (name, c) =>
          `kind: Cluster\nmetadata:\n  name: ${name}\n  labels: {region: r${c % 3}, tier: prod}\nspec:\n  fleet: fleet-${f}\n  connection:\n    kubeconfig: {path: /etc/ferry/kubeconfig, context: ${name}}\n`,
      ),
    ]);
  }
  files["clusters/repository.yaml"] = docs([
    "kind: ReplicationRepository\nmetadata:\n  name: default\nspec:\n  s3:\n    bucket: ferry-backups\n    prefix: prod/\n    region: us-east-1\n    credentialsEnv: {accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY}\n  encryption: {keyEnv: FERRY_REPOSITORY_KEY}\n",
  ]);
  const policyDocs: string[] = [];
  for (let p = 0; p < POLICIES; p++) {
    const hour = (p % 12) + 1;
    policyDocs.push(
      p % 3 === 0
        ? `kind: SchedulePolicy\nmetadata:\n  name: policy-${p}\npolicy:\n  interval:\n    intervalMinutes: ${15 + p}\n  daily:\n    time: "${hour}:${String(p % 60).padStart(2, "0")}PM"\n`
        : p % 3 === 1
          ? `kind: SchedulePolicy\nmetadata:\n  name: policy-${p}\npolicy:\n  weekly:\n    day: ${["Mon", "Tuesday", "Wed", "Thursday", "Fri"][p % 5]}\n    time: "${hour}:15am"\n  monthly:\n    date: ${(p % 31) + 1}\n    time: "${hour}:05PM"\n  timezone: Europe/Berlin\n`
          : `kind: SchedulePolicy\nmetadata:\n  name: policy-${p}\npolicy:\n  cron: "*/${(p % 10) + 5} * * * *"\n`,
    );
  }
  files["policies/standard.yaml"] = docs(policyDocs);

  // Each application: a consistency group, its replication, a migration and a schedule.
  for (let app = 0; manifests < total; app++) {
    const f = app % FLEETS;
    const source = `f${f}-c${app % CLUSTERS_PER_FLEET}`;
    const target = `f${f}-c${(app + 1) % CLUSTERS_PER_FLEET}`;
    const ns = `app-${app}`;
    const pvcs = Array.from({ length: (app % 4) + 1 }, (_, i) => `data-db-${i}`);
    const all = [
      `kind: VolumeGroup\nmetadata:\n  name: db\n  namespace: ${ns}\nspec:\n  pvcs: [${pvcs.join(", ")}]\n`,
      `kind: VolumeReplication\nmetadata:\n  name: db-dr\n  namespace: ${ns}\nspec:\n  source: {cluster: ${source}, volumeGroup: db}\n  target: {cluster: ${target}, volumeGroup: db}\n  pvcMap:\n${pvcs.map((p) => `    ${p}: ${p}\n`).join("")}  schedule: "*/${(app % 4) + 2} * * * *"\n  retainSnapshotsOnDeletion: true\n`,
      `kind: Migration\nmetadata:\n  name: ${ns}-move\nspec:\n  fleet: fleet-${f}\n  source: {cluster: ${source}}\n  targets: [{cluster: ${target}}]\n  namespaces: [${ns}]\n  resourceFilter:\n    labelSelector:\n      matchLabels: {app: ${ns}}\n  includeVolumes: true\n  storageClassMapping: {fast-ssd: standard}\n  repository: default\n  prechecks: {remediation: pull-request}\n`,
      `kind: MigrationSchedule\nmetadata:\n  name: ${ns}-dr\n  namespace: ${ns}\nspec:\n  schedulePolicyName: policy-${app % POLICIES}\n  template:\n    spec:\n      fleet: fleet-${f}\n      source: {cluster: ${source}}\n      targets: [{cluster: ${target}}]\n      namespaces: [${ns}]\n      includeResources: true\n      includeVolumes: false\n      startApplications: false\n      repository: default\n`,
    ].slice(0, total - manifests);
    files[`environments/env-${app % ENVIRONMENTS}/${ns}.yaml`] = docs(all);
  }
  return { files, manifests };
}

async function measure(label: string, tree: TreeSource, manifests: number): Promise<number> {
  // The validator is built once, as the controller and the CLI do; its compile time is shown apart.
  const compileStart = performance.now();
  const validator = createManifestValidator();
  const compileMs = performance.now() - compileStart;
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const result = await loadDesiredState(tree, { validator });
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    cpuRates.push((manifests / (cpu.user + cpu.system)) * 1e6);
    if (!result.valid || result.state.objects.length !== manifests) {
      const first = result.problems[0];
      throw new Error(
        `generated repo did not validate: ${result.problems.length} problems, first ${JSON.stringify(first)}`,
      );
    }
    rates.push((manifests / ms) * 1000);
  }
  const best = Math.max(...rates);
  const first = rates[0] ?? 0;
  const median = medianOf(rates);
  console.log(
    `${label.padEnd(10)} ${manifests} manifests  first run ${fmt(first)}/s  median ${fmt(median)}/s  best ${fmt(best)}/s  ` +
      `per CPU-second ${fmt(medianOf(cpuRates))}  (schema compile ${compileMs.toFixed(0)} ms, once)  ` +
      `${(median / KUBECONFORM_PER_SECOND).toFixed(2)}× kubeconform's published rate`,
  );
  return median;
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
const medianOf = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const { files, manifests } = generate(TOTAL);
console.log(
  `bench:validate — ${manifests} manifests in ${Object.keys(files).length} files, ${RUNS} runs each; ` +
    `goal ≥ ${fmt(GOAL)}/s (kubeconform published ${fmt(KUBECONFORM_PER_SECOND)}/s); ` +
    `${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)}`,
);
const memory = await measure("memory", memoryTree(files), manifests);

const work = join(dirname(fileURLToPath(import.meta.url)), ".work", "validate");
await rm(work, { recursive: true, force: true });
for (const [path, text] of Object.entries(files)) {
  await mkdir(dirname(join(work, path)), { recursive: true });
  await writeFile(join(work, path), text);
}
let directory: number;
try {
  directory = await measure("directory", directoryTree(work), manifests);
} finally {
  await rm(work, { recursive: true, force: true });
}
const verdict = Math.min(memory, directory) >= GOAL ? "meets" : "MISSES";
console.log(
  `${verdict} the goal of ${fmt(GOAL)}/s (median, slowest tree: ${fmt(Math.min(memory, directory))}/s)`,
);
