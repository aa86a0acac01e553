/**
 * `npx tsx bench/gitops.ts`: the Git side of a reconcile against the real `git http-backend`
 * on loopback. Measures (1) a no-op poll, against the peer `git ls-remote` of the same branch,
 * and (2) a status commit of 1,000 reports (first write, then 100 changed), written without a
 * checkout and pushed, against the peer real git CLI doing the same from a work tree
 * (write files, add, commit, push). Medians of interleaved runs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { systemClock } from "../src/core/clock.js";
import { openGitRemote } from "../src/gitops/git/open-remote.js";
import { createGitSource } from "../src/gitops/git/source.js";
import { writeStatusCommit } from "../src/gitops/git/status-writer.js";
import { statusReportPath } from "../src/gitops/git/status-layout.js";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { runGit, startGitHttpServer } from "../test/helpers/git-http-server.js";

// The peer git talks to the server in this process: it must run without blocking the event loop.
const execGit = promisify(execFile);
const gitAsync = (cwd: string, args: string[]) =>
  execGit("git", args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "b",
      GIT_AUTHOR_EMAIL: "b@b",
      GIT_COMMITTER_NAME: "b",
      GIT_COMMITTER_EMAIL: "b@b",
    },
  });

const REPORTS = Number(process.env["BENCH_REPORTS"] ?? 1000);
const RUNS = Number(process.env["BENCH_RUNS"] ?? 3);
const POLLS = 20;

const report = (i: number, phase: string): string =>
  `apiVersion: ferry.dev/v1alpha1\nkind: Migration\nmetadata: {name: m-${i}, namespace: ns-${i % 50}}\n` +
  `phase: ${phase}\nconditions:\n- type: Completed\n  status: "True"\n  reason: Done\n` +
  `backup: {snapshot: snap-${i}, objects: ${i % 97}, bytes: ${i * 4096}}\n`;

function reports(phase: (i: number) => string): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < REPORTS; i++) {
    files.set(
      statusReportPath({ kind: "Migration", namespace: `ns-${i % 50}`, name: `m-${i}` }),
      report(i, phase(i)),
    );
  }
  return files;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const time = async (fn: () => unknown): Promise<number> => {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
};

const server = await startGitHttpServer();
const temp = mkdtempSync(join(tmpdir(), "ferry-bench-gitops-"));
try {
  const first = reports(() => "Running");
  const second = reports((i) => (i % 10 === 0 ? "Completed" : "Running"));
  const results = {
    ferryPoll: [] as number[],
    peerPoll: [] as number[],
    ferryFirst: [] as number[],
    ferryUpdate: [] as number[],
    peerFirst: [] as number[],
    peerUpdate: [] as number[],
  };
  for (let run = 0; run < RUNS; run++) {
    const url = server.createRepo(`fleet-${run}`, { "environments/prod/a.yaml": "kind: Migration\n" });
    const remote = await openGitRemote({ repo: url, cacheDir: join(temp, `cache-${run}`) });
    const source = createGitSource({ remote, branch: "main" });
    await source.poll();
    const requests = server.requests.length;
    results.ferryPoll.push(
      (await time(async () => {
        for (let p = 0; p < POLLS; p++) await source.poll();
      })) / POLLS,
    );
    if (server.requests.length - requests !== POLLS)
      throw new Error("a no-op poll made more than one request");
    results.peerPoll.push(
      (await time(async () => {
        for (let p = 0; p < POLLS; p++) await gitAsync(temp, ["ls-remote", url, "refs/heads/main"]);
      })) / POLLS,
    );

    results.ferryFirst.push(
      await time(() => writeStatusCommit({ remote, clock: systemClock }, { files: first })),
    );
    results.ferryUpdate.push(
      await time(() => writeStatusCommit({ remote, clock: systemClock }, { files: second })),
    );

    const work = join(temp, `work-${run}`);
    const peer = (files: Map<string, string>) => async () => {
      for (const [path, content] of files) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      await gitAsync(work, ["add", "-A"]);
      await gitAsync(work, ["commit", "-q", "-m", "status"]);
      await gitAsync(work, ["push", "-q", "origin", "HEAD:refs/heads/peer-status"]);
    };
    mkdirSync(work);
    runGit(work, ["init", "-q", "-b", "peer-status"]);
    runGit(work, ["remote", "add", "origin", url]);
    results.peerFirst.push(await time(peer(first)));
    results.peerUpdate.push(await time(peer(second)));
  }
  const line = (label: string, ours: number[], peer: number[], peerLabel: string): string =>
    `${label}: ferry ${median(ours).toFixed(3)}s, ${peerLabel} ${median(peer).toFixed(3)}s, ${(median(ours) / median(peer)).toFixed(2)}× peer time`;
  console.log(`gitops bench: ${REPORTS} reports, ${RUNS} interleaved runs, loopback git http-backend`);
  console.log(line("no-op poll (1 request)", results.ferryPoll, results.peerPoll, "git ls-remote"));
  console.log(
    line(
      `status commit, ${REPORTS} new reports`,
      results.ferryFirst,
      results.peerFirst,
      "git add+commit+push",
    ),
  );
  console.log(
    line(
      `status commit, ${REPORTS / 10} changed`,
      results.ferryUpdate,
      results.peerUpdate,
      "git add+commit+push",
    ),
  );
} finally {
  await server.stop();
  rmSync(temp, { recursive: true, force: true });
}
