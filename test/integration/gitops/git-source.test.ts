import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import nodeHttp from "isomorphic-git/http/node";
import type { HttpClient } from "isomorphic-git";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openGitRemote } from "../../../src/gitops/git/open-remote.js";
import { createGitSource } from "../../../src/gitops/git/source.js";
import { isFerryError } from "../../../src/core/errors.js";
import { startGitHttpServer, runGit } from "../../helpers/git-http-server.js";
import type { GitHttpServer } from "../../helpers/git-http-server.js";

/** An async iterable over bytes already read, to hand a response body back to isomorphic-git. */
async function* replay(chunks: readonly Uint8Array[]): AsyncIterableIterator<Uint8Array> {
  for (const chunk of chunks) yield await Promise.resolve(chunk);
}

const TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";

const files = {
  "clusters/east.yaml": "kind: Cluster\nmetadata: {name: east-1}\n",
  "environments/prod/shop.yaml": "kind: Migration\nmetadata: {name: shop}\n",
};

describe("GitSource over http with the real git http-backend", () => {
  let server: GitHttpServer;
  let cache: string;
  beforeEach(async () => {
    server = await startGitHttpServer({ token: TOKEN });
    cache = mkdtempSync(join(tmpdir(), "ferry-cache-"));
  });
  afterEach(async () => {
    await server.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it("costs one request when nothing changed and fetches when the branch moved", async () => {
    const url = server.createRepo("desired", files);
    const remote = await openGitRemote({
      repo: url,
      cacheDir: cache,
      tokenEnv: "GIT_TOKEN",
      env: { GIT_TOKEN: TOKEN },
    });
    const source = createGitSource({ remote, branch: "main" });

    const first = await source.poll();
    expect(first).toEqual({ changed: true, commit: server.head("desired", "main") });
    const tree = source.readTree(first.commit ?? "");
    expect((await tree.list()).map((e) => e.path).sort()).toEqual(Object.keys(files).sort());
    expect(new TextDecoder().decode(await tree.read("clusters/east.yaml"))).toBe(files["clusters/east.yaml"]);

    const before = server.requests.length;
    const idle = await source.poll();
    expect(idle).toEqual({ changed: false, commit: first.commit });
    expect(server.requests.slice(before)).toEqual([
      expect.objectContaining({
        method: "GET",
        path: "/desired.git/info/refs",
        query: "service=git-upload-pack",
        status: 200,
      }),
    ]);

    const next = server.commitFiles("desired", { "environments/prod/new.yaml": "kind: Migration\n" });
    const afterChange = server.requests.length;
    const changed = await source.poll();
    expect(changed).toEqual({ changed: true, commit: next });
    const posts = server.requests.slice(afterChange).filter((r) => r.method === "POST");
    expect(posts.map((r) => r.path)).toEqual(["/desired.git/git-upload-pack"]);
    expect(await source.readTree(next).read("environments/prod/new.yaml")).toEqual(
      new TextEncoder().encode("kind: Migration\n"),
    );
    // The old commit is still readable from the cache (the controller diffs against it).
    expect((await source.readTree(first.commit ?? "").list()).length).toBe(2);
  });

  it("fetches only what changed: the second pack is a fraction of the first", async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 200; i++)
      many[`environments/prod/m-${i}.yaml`] = `kind: Migration\n# ${randomBytes(600).toString("base64")}\n`;
    const url = server.createRepo("big", many);
    const packBytes: number[] = [];
    const counting: HttpClient = {
      request: async (request) => {
        const response = await nodeHttp.request(request);
        if (!request.url.endsWith("/git-upload-pack") || response.body === undefined) return response;
        const chunks: Uint8Array[] = [];
        for await (const chunk of response.body) chunks.push(chunk);
        packBytes.push(chunks.reduce((n, c) => n + c.byteLength, 0));
        return {
          ...response,
          body: replay(chunks),
        };
      },
    };
    const remote = await openGitRemote({
      repo: url,
      cacheDir: cache,
      tokenEnv: "GIT_TOKEN",
      env: { GIT_TOKEN: TOKEN },
      http: counting,
    });
    const source = createGitSource({ remote, branch: "main" });
    await source.poll();
    server.commitFiles("big", { "environments/prod/m-7.yaml": "kind: Migration\n# changed\n" });
    const { commit } = await source.poll();
    expect(packBytes).toHaveLength(2);
    expect(packBytes[1]).toBeLessThan((packBytes[0] ?? 0) / 20);
    expect(
      new TextDecoder().decode(await source.readTree(commit ?? "").read("environments/prod/m-7.yaml")),
    ).toContain("changed");
  });

  it("stops with an Aborted error when the signal aborts, and never puts the token in a URL", async () => {
    const url = server.createRepo("desired", files);
    const remote = await openGitRemote({
      repo: url,
      cacheDir: cache,
      tokenEnv: "GIT_TOKEN",
      env: { GIT_TOKEN: TOKEN },
    });
    const source = createGitSource({ remote, branch: "main" });
    const controller = new AbortController();
    controller.abort();
    const error = await source.poll(controller.signal).catch((e: unknown) => e);
    expect(isFerryError(error, "Aborted")).toBe(true);
    await source.poll();
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((r) => !`${r.path}?${r.query}`.includes(TOKEN))).toBe(true);
    expect(remote.display).toBe(url);
  });

  it("fails with a Remote error without the token when the credentials are wrong", async () => {
    const url = server.createRepo("desired", files);
    const remote = await openGitRemote({
      repo: url,
      cacheDir: cache,
      tokenEnv: "GIT_TOKEN",
      env: { GIT_TOKEN: "ghp_wrongwrongwrongwrongwrongwrong00" },
    });
    const error = await createGitSource({ remote, branch: "main" })
      .poll()
      .catch((e: unknown) => e);
    expect(isFerryError(error, "Remote")).toBe(true);
    expect((error as Error).message).not.toContain("wrongwrong");
    expect(server.requests.length).toBe(1);
  });

  it("moves credentials out of the URL", async () => {
    const url = server.createRepo("desired", files).replace("http://", `http://ferry:${TOKEN}@`);
    const remote = await openGitRemote({ repo: url, cacheDir: cache });
    expect(remote.display).not.toContain(TOKEN);
    expect((await createGitSource({ remote, branch: "main" }).poll()).changed).toBe(true);
  });

  it("reads a local repository directly, by path and by file:// URL", async () => {
    const work = mkdtempSync(join(tmpdir(), "ferry-local-"));
    try {
      runGit(work, ["init", "-q", "-b", "main"]);
      runGit(work, ["commit", "-q", "--allow-empty", "-m", "empty"]);
      const tip = runGit(work, ["rev-parse", "HEAD"]);
      for (const repo of [work, `file://${work}`]) {
        const source = createGitSource({ remote: await openGitRemote({ repo }), branch: "main" });
        expect(await source.poll()).toEqual({ changed: true, commit: tip });
        expect(await source.poll()).toEqual({ changed: false, commit: tip });
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
