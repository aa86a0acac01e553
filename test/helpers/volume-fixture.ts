/** A 1Gi ReadWriteOnce claim in namespace shop, as a YAML document (with its separator). */
export const shopClaim = (name: string): string =>
  `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ${name}, namespace: shop}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n---\n`;

/**
 * The `pg` Deployment of the volume tests, as kubectl YAML: `replicas` now and, when given, the
 * original count Ferry keeps in `ferry.dev/replicas` on a stopped copy.
 */
export const pgWorkload = (replicas: number, annotated?: number): string => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: pg
  namespace: shop
${annotated === undefined ? "" : `  annotations: {ferry.dev/replicas: "${annotated}"}`}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: pg}}
  template:
    metadata: {labels: {app: pg}}
    spec: {containers: [{name: pg, image: postgres:16}]}
`;
