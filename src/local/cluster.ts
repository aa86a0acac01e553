import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import type { Clock } from "../core/clock.js";
import { systemClock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { startControllers, type RunningControllers } from "./controllers/index.js";
import { Faults } from "./faults.js";
import { createLocalApi, type LocalApiWithPatch } from "./local-api.js";
import { localPaths } from "./paths.js";
import type { ModelCatalog } from "./schema/models.js";
import { seedCluster } from "./seed.js";
import { createHandler } from "./server/handler.js";
import { ClusterStore } from "./store/cluster-store.js";

/** How to start one local cluster. */
export interface LocalClusterOptions {
  name: string;
  /** The cluster's data directory: state, volumes, snapshots and pod logs (see paths.ts). */
  dataDir: string;
  /** Port to listen on; a free one when absent or taken. */
  port?: number;
  catalog: ModelCatalog;
  /** argv prefix that runs Ferry, for Jobs whose image is Ferry's. */
  ferryCommand: readonly string[];
  logger: Logger;
  clock?: Clock;
  /** Run the simulated controllers (default true); protocol tests and benchmarks turn them off. */
  controllers?: boolean;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}

/**
 * One Kubernetes-API-compatible cluster on loopback: its store, its HTTP server, its
 * simulated controllers and the faults tests can inject. `api` stays valid across restarts.
 */
export class LocalCluster {
  readonly name: string;
  readonly dataDir: string;
  readonly faults = new Faults();
  readonly api: LocalApiWithPatch;
  private currentStore: ClusterStore;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private controllers: RunningControllers | undefined;
  private listenPort: number;

  private constructor(private readonly options: LocalClusterOptions) {
    this.name = options.name;
    this.dataDir = options.dataDir;
    this.listenPort = options.port ?? 0;
    this.currentStore = this.openStore();
    this.api = createLocalApi(() => this.currentStore);
  }

  /** Starts a cluster: loads its state, seeds what a new cluster has, serves, runs controllers. */
  static async start(options: LocalClusterOptions): Promise<LocalCluster> {
    const cluster = new LocalCluster(options);
    await cluster.serve();
    return cluster;
  }

  private openStore(): ClusterStore {
    const store = new ClusterStore({
      clusterName: this.name,
      catalog: this.options.catalog,
      stateDir: localPaths.state(this.dataDir),
      clock: this.options.clock ?? systemClock,
    });
    seedCluster(store);
    return store;
  }

  /** The store (for in-process inspection; prefer `api`). */
  get store(): ClusterStore {
    return this.currentStore;
  }

  get port(): number {
    return this.listenPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.listenPort}`;
  }

  /** Whether the HTTP server is accepting connections. */
  get listening(): boolean {
    return this.server?.listening === true;
  }

  private async serve(): Promise<void> {
    await this.openListener();
    if (this.options.controllers !== false && this.controllers === undefined) {
      this.controllers = startControllers({
        api: this.api,
        clusterName: this.name,
        dataDir: this.dataDir,
        ferryCommand: this.options.ferryCommand,
        logger: this.options.logger.child({ cluster: this.name }),
        clock: this.options.clock ?? systemClock,
      });
    }
  }

  private async openListener(): Promise<void> {
    if (this.server?.listening === true) return;
    const server = createServer(
      createHandler({ store: this.currentStore, dataDir: this.dataDir, faults: this.faults }),
    );
    server.keepAliveTimeout = 60_000;
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    try {
      this.listenPort = await listen(server, this.listenPort);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || this.listenPort === 0) throw e;
      this.listenPort = await listen(server, 0);
    }
    this.server = server;
  }

  /** Closes the listener and drops open connections: clients get "connection refused". */
  async refuseConnections(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /** Listens again on the same port after `refuseConnections`. */
  async acceptConnections(): Promise<void> {
    await this.openListener();
  }

  /** Stops serving and the controllers, and flushes state; `restart` brings it back. */
  async stop(): Promise<void> {
    await this.refuseConnections();
    const controllers = this.controllers;
    this.controllers = undefined;
    await controllers?.stop();
    this.currentStore.close();
  }

  /** Stops and starts again on the same port, reloading every object from disk. */
  async restart(): Promise<void> {
    await this.stop();
    this.currentStore = this.openStore();
    await this.serve();
  }
}
