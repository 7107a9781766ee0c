#!/bin/sh
# Rewrites k8s/grafana-dashboard.yaml from grafana/dashboards/hermod.json. kustomize reads no
# file outside k8s/, so the dashboard is copied into the ConfigMap; ManifestsTest fails when the
# copy and the original differ. Run from anywhere: sh k8s/sync-dashboard.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
json="$root/grafana/dashboards/hermod.json"
out="$root/k8s/grafana-dashboard.yaml"
{
  cat <<'HEAD'
# The Grafana dashboard for the Grafana sidecar (kube-prometheus-stack and the grafana chart load
# every ConfigMap labelled grafana_dashboard: "1"). Generated from grafana/dashboards/hermod.json
# by k8s/sync-dashboard.sh: edit the JSON, then run the script.
apiVersion: v1
kind: ConfigMap
metadata:
  name: hermod-grafana-dashboard
  labels:
    app.kubernetes.io/name: hermod
    grafana_dashboard: "1"
  annotations:
    grafana_folder: Hermod
data:
  hermod.json: |-
HEAD
  sed 's/^/    /' "$json"
} > "$out.tmp"
mv "$out.tmp" "$out"
