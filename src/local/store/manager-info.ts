import type { ManagerInfo } from "../patch/apply.js";
import { apiVersionOf, type ResourceDef } from "../resources/types.js";
import type { WriteOptions } from "./store-types.js";

/** The field manager of writes that name none (the store's own follow-up writes). */
const SYSTEM_MANAGER = "ferry-local";

/** Who a write's managedFields entry is for: its field manager, version, time and subresource. */
export function managerInfo(def: ResourceDef, options: WriteOptions, time: string): ManagerInfo {
  return {
    manager: options.fieldManager ?? SYSTEM_MANAGER,
    apiVersion: apiVersionOf(def.group, def.version),
    time,
    ...(options.subresource === undefined ? {} : { subresource: options.subresource }),
  };
}
