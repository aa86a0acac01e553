import * as http from "node:http";
import * as https from "node:https";
import {
  ServerConfiguration,
  createConfiguration,
  type Configuration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
} from "@kubernetes/client-node";
import { FerryError } from "../core/errors.js";

/**
 * An API client configuration that reuses connections. @kubernetes/client-node builds a new
 * `http(s).Agent` for every request (KubeConfig.applySecurityAuthentication), and node-fetch
 * then sends `Connection: close`: every call opens a fresh TCP (and TLS) connection, which
 * made a 4,000-object restore spend most of its time connecting. Authentication still runs
 * per request (tokens and exec plugins refresh as before); only the plain agent is swapped
 * for one keep-alive agent per cluster, built from the same options (CA, client cert), with
 * Nagle's algorithm off: node-fetch writes headers and body separately, and with Nagle on
 * each request then waits for the server's delayed ACK (3–4 ms per request on loopback).
 * Proxy agents are left alone.
 */
export function keepAliveConfiguration(kubeConfig: KubeConfig, maxSockets = 32): Configuration {
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new FerryError("Invalid", "the kubeconfig has no current cluster");
  let shared: http.Agent | undefined;
  const auth: SecurityAuthentication = {
    getName: () => "ferry-keep-alive",
    applySecurityAuthentication: async (context: RequestContext) => {
      await kubeConfig.applySecurityAuthentication(context);
      const agent = context.getAgent();
      if (agent === undefined) return;
      const options = (agent as http.Agent & { options?: http.AgentOptions }).options ?? {};
      if (agent.constructor === https.Agent) {
        shared ??= new https.Agent({ ...options, keepAlive: true, noDelay: true, maxSockets });
      } else if (agent.constructor === http.Agent) {
        shared ??= new http.Agent({ ...options, keepAlive: true, noDelay: true, maxSockets });
      } else {
        return;
      }
      context.setAgent(shared);
    },
  };
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: auth },
  });
}
