#!/usr/bin/env bash
# Validates the rendered overlays offline (validate.mjs says how), after proving on broken copies that the validator
# catches each kind of mistake. Installs what it needs: kubectl from Debian's packages when missing, the schema
# packages from the npm registry (pinned in package-lock.json).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v kubectl >/dev/null; then
  echo "k8s: installing kubectl (it renders the overlays with its built-in kustomize)"
  { apt-get install -y -qq kubectl >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq kubectl >/dev/null; }; } \
    || { echo "k8s: kubectl is missing and could not be installed; install it to validate the manifests" >&2; exit 1; }
fi
command -v node >/dev/null || { echo "k8s: Node.js is missing; install it (Debian package nodejs) to validate the manifests" >&2; exit 1; }
if [ ! -d node_modules/kubernetes-models ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "k8s: installing the schema packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "k8s: the validator catches each kind of mistake (fixtures/)"
node validate.mjs --self-test
echo "k8s: validating the overlays"
node validate.mjs
