import { deleteIfExists } from "../runtime/api-errors.js";
import { defineController, type Runtime } from "../runtime/controller.js";
import { recordEvent } from "../runtime/events.js";
import { R } from "../runtime/gvr.js";
import { templateHash } from "../runtime/hash.js";
import { clone, field, isControlledBy, isDeleting, keyOf, splitKey } from "../runtime/objects.js";
import { isActive, isReady, podFromTemplate, type PodTemplate } from "./pod-template.js";
import { ownerKeys } from "./replicasets.js";
import { writeStatusIfChanged } from "./write-status.js";

const REVISION_LABEL = "controller-revision-hash";

/**
 * DaemonSets run one pod on the cluster's single node; a template change replaces it
 * (RollingUpdate). Status carries the counts `kubectl rollout status ds` reads.
 */
export const daemonSets = defineController("daemonset", (rt) => ({
  watches: [{ gvr: R.daemonSets }, { gvr: R.pods, keys: ownerKeys("DaemonSet") }],
  initialKeys: () => rt.ctx.api.list(R.daemonSets).map(keyOf),
  reconcile: (key) => {
    reconcileDaemonSet(rt, key);
    return Promise.resolve();
  },
}));

function reconcileDaemonSet(rt: Runtime, key: string): void {
  const { api } = rt.ctx;
  const { namespace, name } = splitKey(key);
  const ds = api.get(R.daemonSets, namespace, name);
  if (ds === undefined || isDeleting(ds)) return;
  const template = clone(field<PodTemplate>(ds, "spec", "template") ?? {});
  const revision = templateHash(template);
  let pods = api
    .list(R.pods, { namespace: namespace ?? "" })
    .filter((p) => isControlledBy(p, ds) && isActive(p));
  const outdated = pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] !== revision);
  for (const pod of outdated) deleteIfExists(api, R.pods, namespace, pod.metadata.name ?? "");
  pods = pods.filter((p) => !outdated.includes(p));
  if (pods.length === 0 && outdated.length === 0) {
    const pod = api.create(
      R.pods,
      podFromTemplate(
        ds,
        template,
        { generateName: `${name}-` },
        {
          labels: {
            [REVISION_LABEL]: revision,
            "pod-template-generation": String(ds.metadata.generation ?? 1),
          },
          spec: { nodeName: rt.ctx.node.name },
        },
      ),
    );
    pods = [pod];
    recordEvent(rt, ds, { reason: "SuccessfulCreate", message: `Created pod: ${pod.metadata.name ?? ""}` });
  }
  const ready = pods.filter(isReady).length;
  const status: Record<string, unknown> = {
    observedGeneration: ds.metadata.generation ?? 1,
    desiredNumberScheduled: 1,
    currentNumberScheduled: pods.length,
    numberMisscheduled: 0,
    numberReady: ready,
    numberAvailable: ready,
    updatedNumberScheduled: pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === revision).length,
  };
  if (ready < 1) status["numberUnavailable"] = 1;
  writeStatusIfChanged(api, R.daemonSets, ds, status);
}
