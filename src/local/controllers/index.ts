import type { LocalApi } from "../api.js";
import type { Logger } from "../../core/logger.js";

/** What a local cluster hands its simulated controllers. */
export interface ControllerContext {
  readonly api: LocalApi;
  readonly clusterName: string;
  /** The cluster's state directory: volumes, snapshots and pod logs live below it (see ../paths.ts). */
  readonly dataDir: string;
  /** argv prefix that runs Ferry itself, for Jobs whose image is Ferry's (e.g. [node, bin/ferry.js]). */
  readonly ferryCommand: readonly string[];
  readonly logger: Logger;
}

export interface RunningControllers {
  stop(): Promise<void>;
}

/** A controller watches the store through `ctx.api` and reconciles; `stop` ends its work. */
export type Controller = (ctx: ControllerContext) => RunningControllers;

/** The controllers every local cluster runs, kwok-style. */
export const controllers: Controller[] = [];

/** Starts every controller; the returned `stop` stops them all. */
export function startControllers(ctx: ControllerContext): RunningControllers {
  const running = controllers.map((start) => start(ctx));
  return {
    stop: async () => {
      await Promise.all(running.map((r) => r.stop()));
    },
  };
}
