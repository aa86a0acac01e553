/** The application the migration e2e tests move: every kind the issue names. */
import type { MigrationSpec } from "../../src/manifests/types.js";

export const SOURCE_STORAGE_CLASS = `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast-ssd}
provisioner: local.ferry.dev/hostpath
reclaimPolicy: Delete
allowVolumeExpansion: true
`;

export const WIDGET_CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              color: {type: string}
`;

/** The shop namespace on the source (apply after the class and the CRD). */
export function shopApp(namespace = "shop"): string {
  return `
apiVersion: v1
kind: Namespace
metadata: {name: ${namespace}, labels: {team: shop}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: shop-app, namespace: ${namespace}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: config-reader, namespace: ${namespace}}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shop-app-reads-config, namespace: ${namespace}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: config-reader}
subjects:
- {kind: ServiceAccount, name: shop-app, namespace: ${namespace}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${namespace}, labels: {app: shop}}
data: {color: blue, currency: EUR}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: feature-flags, namespace: ${namespace}}
data: {checkout-v2: "true"}
---
apiVersion: v1
kind: Secret
metadata: {name: db-credentials, namespace: ${namespace}}
type: Opaque
# base64 of shop / s3cr3t (the local clusters do not convert stringData)
data: {username: c2hvcA==, password: czNjcjN0}
---
apiVersion: v1
kind: Secret
metadata: {name: api-token, namespace: ${namespace}}
type: Opaque
data: {token: dG9rZW4=}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: uploads, namespace: ${namespace}}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: fast-ssd
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${namespace}, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: ${namespace}}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: shop-app
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 8080}]
        envFrom: [{configMapRef: {name: settings}}]
        volumeMounts: [{name: uploads, mountPath: /uploads}]
      volumes: [{name: uploads, persistentVolumeClaim: {claimName: uploads}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ${namespace}}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: pg
        image: postgres:16
        env: [{name: POSTGRES_PASSWORD, valueFrom: {secretKeyRef: {name: db-credentials, key: password}}}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: fast-ssd
      resources: {requests: {storage: 2Gi}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: ${namespace}}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: blue-widget, namespace: ${namespace}}
spec: {size: 3, color: blue}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: red-widget, namespace: ${namespace}}
spec: {size: 5, color: red}
`;
}

/** The Migration spec of the tests; `repository` is filled in per test. */
export function shopMigration(overrides: Partial<MigrationSpec> = {}): MigrationSpec {
  return {
    fleet: "prod",
    source: { cluster: "east-1" },
    targets: [{ cluster: "west-1" }, { cluster: "west-2" }],
    namespaces: ["shop"],
    includeResources: true,
    includeVolumes: true,
    startApplications: false,
    namespaceMapping: { shop: "shop-dr" },
    storageClassMapping: { "fast-ssd": "standard" },
    repository: "default",
    prechecks: { remediation: "manual" },
    ...overrides,
  };
}
