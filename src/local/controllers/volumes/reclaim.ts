import { rm } from "node:fs/promises";
import { relative, isAbsolute } from "node:path";
import type { KubeObject } from "../../api.js";
import { localPaths } from "../../paths.js";
import { deleteIfExists } from "../runtime/api-errors.js";
import { defineController, type Runtime } from "../runtime/controller.js";
import { recordEvent } from "../runtime/events.js";
import { R } from "../runtime/gvr.js";
import { clone, field } from "../runtime/objects.js";
import { volumeDir } from "../pods/mounts.js";
import { writeStatusIfChanged } from "../workloads/write-status.js";
import { phaseOf } from "./storage.js";

const PROTECTION = "kubernetes.io/pv-protection";

interface ClaimRef {
  namespace?: string;
  name?: string;
  uid?: string;
}

/**
 * Reclaims volumes whose claim is gone: the Delete policy removes the PV and its directory,
 * Retain leaves both and marks the PV Released. Also lifts `pv-protection` once a deleted PV
 * is no longer bound to a live claim.
 */
export const volumeReclaimer = defineController("persistentvolume-reclaimer", (rt) => ({
  watches: [
    { gvr: R.pvs },
    {
      gvr: R.pvcs,
      keys: (e) => {
        const volume = field<string>(e.object, "spec", "volumeName");
        return e.type === "DELETED" && volume !== undefined ? [volume] : [];
      },
    },
  ],
  initialKeys: () => rt.ctx.api.list(R.pvs).map((pv) => pv.metadata.name ?? ""),
  reconcile: (name) => reconcileVolume(rt, name),
}));

function claimGone(rt: Runtime, pv: KubeObject): boolean {
  const ref = field<ClaimRef>(pv, "spec", "claimRef");
  if (ref?.name === undefined) return true;
  const claim = rt.ctx.api.get(R.pvcs, ref.namespace, ref.name);
  return claim === undefined || (ref.uid !== undefined && claim.metadata.uid !== ref.uid);
}

/** Only directories this cluster provisioned are ever removed. */
function ownDirectory(rt: Runtime, dir: string): boolean {
  const rel = relative(localPaths.volume(rt.ctx.dataDir, ""), dir);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

async function reconcileVolume(rt: Runtime, name: string): Promise<void> {
  const { api } = rt.ctx;
  const pv = api.get(R.pvs, undefined, name);
  if (pv === undefined) return;
  const gone = claimGone(rt, pv);
  if (pv.metadata.deletionTimestamp !== undefined) {
    if (!gone || !(pv.metadata.finalizers ?? []).includes(PROTECTION)) return;
    const released = clone(pv);
    released.metadata.finalizers = (released.metadata.finalizers ?? []).filter((f) => f !== PROTECTION);
    api.update(R.pvs, released);
    return;
  }
  const ref = field<ClaimRef>(pv, "spec", "claimRef");
  if (ref === undefined) {
    writeStatusIfChanged(api, R.pvs, pv, { phase: "Available" });
    return;
  }
  if (!gone) return;
  const policy = field<string>(pv, "spec", "persistentVolumeReclaimPolicy") ?? "Retain";
  if (policy === "Delete") {
    const dir = volumeDir(rt.ctx.dataDir, pv);
    if (ownDirectory(rt, dir)) await rm(dir, { recursive: true, force: true });
    deleteIfExists(api, R.pvs, undefined, name);
    return;
  }
  if (phaseOf(pv) !== "Released") {
    writeStatusIfChanged(api, R.pvs, pv, { phase: "Released" });
    recordEvent(rt, pv, {
      reason: "VolumeReleased",
      message: `claim ${ref.namespace ?? ""}/${ref.name ?? ""} was deleted; the volume and its data are retained`,
    });
  }
}
