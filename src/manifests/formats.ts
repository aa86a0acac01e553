/**
 * The string formats the schemas name (`"format": "dns1123-subdomain"` …), registered on the
 * validator's Ajv instance, and the plain-words message each one produces.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** True for a Kubernetes DNS-1123 label (namespaces): `shop`, `shop-dr`. */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

/** True for a Kubernetes DNS-1123 subdomain (object names): `east-1`, `pg.v2`. Refuses `../x`. */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** A label key: an optional DNS subdomain prefix and `/`, then a name of at most 63 characters. */
export function isLabelKey(value: string): boolean {
  const slash = value.lastIndexOf("/");
  const name = slash === -1 ? value : value.slice(slash + 1);
  const prefix = slash === -1 ? undefined : value.slice(0, slash);
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

/** A label value: empty, or at most 63 alphanumerics with `-`, `_`, `.` inside. */
export function isLabelValue(value: string): boolean {
  return value === "" || (value.length <= 63 && LABEL_NAME.test(value));
}

export const FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  "dns1123-label": isDns1123Label,
  "dns1123-subdomain": isDns1123Subdomain,
  "label-key": isLabelKey,
  "label-value": isLabelValue,
};

/** Plain-words messages for the formats above, used instead of Ajv's `must match format "…"`. */
export const FORMAT_MESSAGES: Readonly<Record<string, string>> = {
  "dns1123-label":
    "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
  "dns1123-subdomain":
    "must be a DNS-1123 name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
  "label-key":
    "must be a label key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'",
  "label-value":
    "must be a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric",
  uri: "must be a URL such as http://minio:9000",
};
