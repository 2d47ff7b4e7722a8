// Validates what `kubectl apply -k` would send, offline: each overlay is rendered with `kubectl kustomize`, and every
// object is checked three ways.
//  1. Schema: the validator generated from the Kubernetes OpenAPI document or from the operator's CRD (Strimzi,
//     CloudNativePG, KEDA, Prometheus operator; packages kubernetes-models and @kubernetes-models/*): types, required fields, enums, formats.
//  2. Fields: those schemas let unknown fields through (the API server would prune or reject them), so every object is
//     also compiled as a TypeScript literal of its generated type: a field the schema does not know is an error.
//  3. Platform rules: what k8s/README.md promises for the platform's own workloads (probes, limits, non-root,
//     read-only root filesystem, config from a ConfigMap whose ${VARIABLES} the Deployment sets, Secrets referenced
//     and never contained, a Service, a
//     PodDisruptionBudget and a NetworkPolicy per service, ingest scaling within the topic's partitions).
//
// node validate.mjs [overlay directories...]   (default: every directory under ../overlays)
// node validate.mjs --self-test                (each fixture under fixtures/ must fail with the message it names)
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const k8sRoot = resolve(here, "..");

// apiVersion -> the module folder holding one model per kind.
const MODELS = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "kafka.strimzi.io/v1": "@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1",
  "postgresql.cnpg.io/v1": "@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1",
  "keda.sh/v1alpha1": "@kubernetes-models/keda/keda.sh/v1alpha1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};
const SERVICES = ["policy-service", "exception-service", "audit-ingest", "report-service"];

function render(overlay) {
  try {
    return execFileSync("kubectl", ["kustomize", overlay], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    if (e.code === "ENOENT") {
      throw new Error("kubectl is not installed (it renders the overlays with its built-in kustomize)");
    }
    throw new Error(`kubectl kustomize ${relative(k8sRoot, overlay)} failed:\n${e.stderr}`);
  }
}

function objectsOf(text, source) {
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new Error(`${source}: not valid YAML: ${doc.errors[0].message}`);
    }
    const object = doc.toJS();
    if (object != null) {
      objects.push(object);
    }
  }
  return objects;
}

const nameOf = (o) => `${o.kind ?? "(no kind)"}/${o.metadata?.name ?? "(no name)"}`;

async function schemaProblems(object) {
  const folder = MODELS[object.apiVersion];
  if (folder === undefined) {
    return [`no schema for apiVersion ${object.apiVersion} (known: ${Object.keys(MODELS).join(", ")})`];
  }
  let Model;
  try {
    Model = (await import(`${folder}/${object.kind}`))[object.kind];
  } catch {
    return [`no schema for kind ${object.kind} in ${object.apiVersion}`];
  }
  try {
    new Model(object).validate();
    return [];
  } catch (e) {
    return [e.message.replace(/^data/, "").replace(/, data/g, "; ")];
  }
}

/** Compiles every object as a literal of its generated type; returns problems per object index. */
function fieldProblems(objects) {
  // Inside node_modules, so the imports resolve to the installed packages; removed afterwards.
  const dir = join(here, "node_modules", ".ccpolicy-check");
  mkdirSync(dir, { recursive: true });
  const lines = [];
  const starts = [];
  objects.forEach((object, i) => {
    const folder = MODELS[object.apiVersion];
    if (folder === undefined) {
      return;
    }
    lines.push(`import type { I${object.kind} as T${i} } from "${folder}/${object.kind}";`);
  });
  let lineCount = lines.length;
  objects.forEach((object, i) => {
    if (MODELS[object.apiVersion] === undefined) {
      return;
    }
    const text = `export const o${i}: T${i} = ${JSON.stringify(object, null, 1)};`;
    starts.push({ line: lineCount, index: i });
    lineCount += text.split("\n").length;
    lines.push(text);
  });
  const file = join(dir, "manifests.ts");
  writeFileSync(file, lines.join("\n"));
  const program = ts.createProgram([file], {
    noEmit: true, strict: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [],
  });
  const problems = new Map();
  const source = program.getSourceFile(file);
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (d.file?.fileName !== source.fileName) {
      throw new Error(`TypeScript could not load the schema types: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
    }
    const line = source.getLineAndCharacterOfPosition(d.start).line;
    const owner = [...starts].reverse().find((s) => s.line <= line);
    if (owner === undefined) {
      throw new Error(`TypeScript could not load the schema types: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
    }
    const message = ts.flattenDiagnosticMessageText(d.messageText, " ");
    // The first line of TypeScript's explanation says what is wrong; the rest repeats the type.
    const first = message.split(/ {2}|\n/)[0];
    const list = problems.get(owner.index) ?? [];
    list.push(`${pathAt(source, d.start)}: ${first}`);
    problems.set(owner.index, list);
  }
  rmSync(dir, { recursive: true, force: true });
  return problems;
}

/** The object path (spec.template.spec...) of the property at this position of the generated file. */
function pathAt(source, position) {
  const path = [];
  let node = findNode(source, position);
  while (node !== undefined && !ts.isVariableDeclaration(node)) {
    if (ts.isPropertyAssignment(node)) {
      path.unshift(node.name.getText(source).replace(/^"|"$/g, ""));
    } else if (ts.isArrayLiteralExpression(node.parent ?? {}) && ts.isObjectLiteralExpression(node)) {
      path.unshift(`[${node.parent.elements.indexOf(node)}]`);
    }
    node = node.parent;
  }
  return path.join(".").replace(/\.\[/g, "[") || "(object)";
}

function findNode(node, position) {
  let found;
  ts.forEachChild(node, (child) => {
    if (found === undefined && child.getStart() <= position && position < child.getEnd()) {
      found = findNode(child, position) ?? child;
    }
  });
  return found;
}

/** What the platform promises about its own workloads, beyond what the schemas can say. */
// In production the audit archive is write-once: locked in compliance mode, with credentials that cannot delete or unlock.
function archiveLockProblems(objects, find) {
  const problems = [];
  const environment = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("ccpolicy-environment"));
  if (environment?.data?.AUDIT_INGEST_ARCHIVE_OBJECT_LOCK_MODE !== "compliance") {
    problems.push("ConfigMap/ccpolicy-environment: AUDIT_INGEST_ARCHIVE_OBJECT_LOCK_MODE must be compliance (the archive is write-once)");
  }
  const policyMap = find("ConfigMap", "audit-archive-s3-policy");
  if (policyMap?.data?.["policy.json"] === undefined) {
    return [...problems, "ConfigMap/audit-archive-s3-policy: missing (the IAM policy of the archive's credentials)"];
  }
  const statements = JSON.parse(policyMap.data["policy.json"]).Statement ?? [];
  const actions = (s) => [s.Action ?? []].flat();
  for (const s of statements.filter((s) => s.Effect === "Allow")) {
    for (const a of actions(s).filter((a) => /^s3:(\*|Delete|BypassGovernance|PutBucketObjectLock|PutLifecycle)/.test(a) || a === "*")) {
      problems.push(`ConfigMap/audit-archive-s3-policy: statement ${s.Sid ?? "?"} allows ${a}; the archive's credentials must never delete or unlock`);
    }
  }
  const denied = statements.filter((s) => s.Effect === "Deny").flatMap(actions);
  for (const a of ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"]) {
    if (!denied.includes(a)) {
      problems.push(`ConfigMap/audit-archive-s3-policy: no Deny statement names ${a}`);
    }
  }
  return problems;
}

function ruleProblems(objects, production) {
  const problems = [];
  const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
  for (const o of objects) {
    if (o.kind === "Secret") {
      problems.push(`${nameOf(o)}: a Secret in the manifests; Secrets are created by the platform team and only referenced here`);
    }
  }
  for (const service of SERVICES) {
    const deployment = find("Deployment", service);
    if (deployment === undefined) {
      problems.push(`Deployment/${service}: missing`);
      continue;
    }
    const where = nameOf(deployment);
    const pod = deployment.spec.template.spec;
    const labels = deployment.spec.template.metadata?.labels ?? {};
    if (pod.securityContext?.runAsNonRoot !== true) {
      problems.push(`${where}: spec.template.spec.securityContext.runAsNonRoot must be true`);
    }
    for (const c of pod.containers) {
      const at = `${where}: container ${c.name}`;
      if (c.readinessProbe?.httpGet?.path !== "/q/health/ready") {
        problems.push(`${at}: readinessProbe must GET /q/health/ready`);
      }
      if (c.livenessProbe?.httpGet?.path !== "/q/health/live") {
        problems.push(`${at}: livenessProbe must GET /q/health/live`);
      }
      for (const kind of ["requests", "limits"]) {
        for (const resource of ["cpu", "memory"]) {
          if (c.resources?.[kind]?.[resource] === undefined) {
            problems.push(`${at}: resources.${kind}.${resource} is not set`);
          }
        }
      }
      if (c.securityContext?.readOnlyRootFilesystem !== true) {
        problems.push(`${at}: securityContext.readOnlyRootFilesystem must be true`);
      }
      if (c.securityContext?.allowPrivilegeEscalation !== false) {
        problems.push(`${at}: securityContext.allowPrivilegeEscalation must be false`);
      }
      for (const e of c.env ?? []) {
        if (e.value !== undefined && /(password|secret|key|token)/i.test(e.name)) {
          problems.push(`${at}: env ${e.name} has a literal value; take it from a Secret (valueFrom.secretKeyRef)`);
        }
      }
    }
    const configMaps = [...(pod.volumes ?? []).map((v) => v.configMap?.name),
      ...pod.containers.flatMap((c) => (c.envFrom ?? []).map((e) => e.configMapRef?.name))].filter(Boolean);
    if (configMaps.length === 0) {
      problems.push(`${where}: takes no configuration from a ConfigMap`);
    }
    for (const name of configMaps) {
      if (find("ConfigMap", name) === undefined) {
        problems.push(`${where}: ConfigMap ${name} is referenced but not in the manifests`);
      }
    }
    // Every ${VAR} in the service's application.properties must be an environment variable the Deployment sets.
    const provided = new Set(pod.containers.flatMap((c) => [...(c.env ?? []).map((e) => e.name),
      ...(c.envFrom ?? []).flatMap((e) => Object.keys(find("ConfigMap", e.configMapRef?.name)?.data ?? {}))]));
    for (const volume of pod.volumes ?? []) {
      const properties = find("ConfigMap", volume.configMap?.name)?.data?.["application.properties"];
      const mounts = pod.containers.flatMap((c) => (c.volumeMounts ?? []).filter((m) => m.name === volume.name));
      if (properties !== undefined && !mounts.some((m) => m.mountPath === "/deployments/config")) {
        // Quarkus reads config/application.properties under its working directory, /deployments in the images.
        problems.push(`${where}: the application.properties of ConfigMap ${volume.configMap.name} must be mounted at /deployments/config`);
      }
      for (const [, variable] of (properties ?? "").matchAll(/\$\{([A-Za-z0-9_]+)\}/g)) {
        if (!provided.has(variable)) {
          problems.push(`${where}: application.properties uses \${${variable}}, which the Deployment does not set`);
        }
      }
    }
    const service_ = objects.find((o) => o.kind === "Service" && matches(o.spec?.selector, labels));
    if (service_ === undefined) {
      problems.push(`${where}: no Service selects its pods`);
    }
    if (!objects.some((o) => o.kind === "PodDisruptionBudget" && matches(o.spec?.selector?.matchLabels, labels))) {
      problems.push(`${where}: no PodDisruptionBudget covers its pods`);
    }
    const policies = objects.filter((o) => o.kind === "NetworkPolicy" && o.spec.podSelector.matchLabels !== undefined
      && Object.keys(o.spec.podSelector.matchLabels).length > 0 && matches(o.spec.podSelector.matchLabels, labels));
    for (const type of ["Ingress", "Egress"]) {
      if (!policies.some((p) => p.spec.policyTypes?.includes(type))) {
        problems.push(`${where}: no NetworkPolicy of its own limits its ${type.toLowerCase()}`);
      }
    }
  }
  if (production) {
    problems.push(...archiveLockProblems(objects, find));
  }
  const topic = find("KafkaTopic", "audit.events.v1");
  const scaler = find("ScaledObject", "audit-ingest") ?? find("HorizontalPodAutoscaler", "audit-ingest");
  if (scaler === undefined) {
    problems.push("audit-ingest: neither a KEDA ScaledObject nor a HorizontalPodAutoscaler scales it");
  } else if (topic !== undefined) {
    const max = scaler.spec.maxReplicaCount ?? scaler.spec.maxReplicas;
    if (max > topic.spec.partitions) {
      problems.push(`${nameOf(scaler)}: scales to ${max} pods, but audit.events.v1 has ${topic.spec.partitions} partitions (the rest would idle)`);
    }
  }
  return problems;
}

const matches = (selector, labels) => selector !== undefined && Object.keys(selector).length > 0
  && Object.entries(selector).every(([k, v]) => labels[k] === v);

async function check(source, objects, production) {
  const problems = [];
  const fields = fieldProblems(objects);
  for (const [i, object] of objects.entries()) {
    for (const p of [...(await schemaProblems(object)), ...(fields.get(i) ?? [])]) {
      problems.push(`${nameOf(object)}: ${p}`);
    }
  }
  return [...problems, ...ruleProblems(objects, production)].map((p) => `${source}: ${p}`);
}

async function main(args) {
  if (args[0] === "--self-test") {
    return selfTest();
  }
  const overlays = args.length > 0 ? args.map((a) => resolve(a))
    : readdirSync(join(k8sRoot, "overlays")).map((d) => join(k8sRoot, "overlays", d));
  let failed = 0;
  for (const overlay of overlays) {
    const name = relative(k8sRoot, overlay);
    const objects = objectsOf(render(overlay), name);
    const problems = await check(name, objects, name === join("overlays", "prod"));
    if (problems.length === 0) {
      console.log(`${name}: ${objects.length} objects valid (${summary(objects)})`);
    } else {
      failed += problems.length;
      problems.forEach((p) => console.error(`INVALID ${p}`));
    }
  }
  return failed === 0 ? 0 : 1;
}

const summary = (objects) => Object.entries(objects.reduce((counts, o) => ({ ...counts, [o.kind]: (counts[o.kind] ?? 0) + 1 }), {}))
  .map(([kind, count]) => `${count} ${kind}`).join(", ");

/**
 * Each fixture is a valid overlay's output with one mistake; its first line says "# expect: <text>". The validator
 * must report that text, or it is not checking what it claims to.
 */
async function selfTest() {
  const dir = join(here, "fixtures");
  const base = objectsOf(render(join(k8sRoot, "overlays", "prod")), "prod");
  let failed = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".mjs")).sort()) {
    const fixture = await import(join(dir, file));
    const objects = structuredClone(base);
    fixture.mutate(objects);
    const problems = await check(file, objects, true);
    const hit = problems.some((p) => p.includes(fixture.expect));
    console.log(`${hit ? "caught" : "MISSED"} ${file}: ${fixture.expect}`);
    if (!hit) {
      failed++;
      console.error(`  reported instead: ${problems.length === 0 ? "nothing" : problems.join("\n    ")}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
  console.error(`k8s validation could not run: ${e.message}`);
  process.exit(2);
});
