"""The deployment files: every k8s manifest parses, and the pieces agree with each other and the code.

No docker engine or cluster runs here, so this reads the files: same image and environment for
API, worker and migration, probes on the API's health routes, settings keys that exist, selectors
that match, a grace period longer than a render, a worker memory limit above the render peak.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")

from printline.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "k8s"
RENDER_PEAK_BYTES = 500 * 1024 * 1024  # measured peak of a full-size render (bench/)
SETTINGS_ENV = {f"PRINTLINE_{name.upper()}" for name in Settings.model_fields}
UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 10**3, "M": 10**6, "G": 10**9, "": 1}


def manifests(folder: Path = K8S) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every cluster resource (kustomization.yaml is the build file, not a resource)."""
    for path in sorted(folder.rglob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text("utf-8")):
            if doc is not None:
                yield path, doc


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for path, doc in manifests() if doc["kind"] == kind
            and "extras" not in path.parts}


def quantity(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([KMG]i?|)", str(value)).groups()
    return int(number) * UNITS[unit]


def container(workload: dict[str, Any]) -> dict[str, Any]:
    (only,) = workload["spec"]["template"]["spec"]["containers"]
    return only


def test_every_manifest_parses_and_names_itself() -> None:
    docs = list(manifests())
    assert len(docs) >= 10
    for path, doc in docs:
        assert {"apiVersion", "kind", "metadata"} <= doc.keys(), path
        assert doc["metadata"].get("name"), path
        assert "namespace" not in doc["metadata"], f"{path}: manifests are namespace-less"


def test_kustomization_lists_exactly_the_manifests() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text("utf-8"))
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk
    assert [i["name"] for i in kustomization["images"]] == ["printline"]


def test_api_worker_and_migration_share_image_and_environment() -> None:
    deployments, jobs = by_kind("Deployment"), by_kind("Job")
    workloads = [deployments["printline-api"], deployments["printline-worker"], jobs["printline-migrate"]]
    images = {container(w)["image"] for w in workloads}
    env_from = [container(w)["envFrom"] for w in workloads]
    assert images == {"printline"}
    assert env_from[0] == env_from[1] == env_from[2]
    assert {next(iter(e.values()))["name"] for e in env_from[0]} == {"printline-config", "printline-secrets"}
    assert [container(w)["args"] for w in workloads] == [["printline", "api"], ["printline", "worker"],
                                                         ["printline", "db", "upgrade"]]


def test_requeue_cronjob_runs_the_sweeper_with_the_same_image_and_environment() -> None:
    cron = by_kind("CronJob")["printline-requeue"]
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    [sweeper] = pod["containers"]
    api = container(by_kind("Deployment")["printline-api"])
    assert sweeper["image"] == api["image"] and sweeper["envFrom"] == api["envFrom"]
    assert sweeper["args"][:3] == ["printline", "jobs", "requeue"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid" and pod["securityContext"]["runAsUser"] == 10001


def test_config_and_secret_keys_are_settings_the_code_reads() -> None:
    config = by_kind("ConfigMap")["printline-config"]["data"]
    secret = by_kind("Secret")["printline-secrets"]["stringData"]
    printline_keys = {k for k in {*config, *secret} if k.startswith("PRINTLINE_")}
    assert printline_keys <= SETTINGS_ENV, printline_keys - SETTINGS_ENV
    for needed in ("PRINTLINE_DATABASE_URL", "PRINTLINE_BROKER_URL", "PRINTLINE_REDIS_URL"):
        assert needed in secret
    assert config["PRINTLINE_STORAGE_URL"].startswith("s3://")
    assert all(isinstance(v, str) for v in {**config, **secret}.values()), "env values must be strings"
    Settings.model_validate({k.removeprefix("PRINTLINE_").lower(): v for k, v in
                             {**config, **secret}.items() if k.startswith("PRINTLINE_")})


def test_api_probes_hit_the_health_routes_on_the_served_port() -> None:
    api = container(by_kind("Deployment")["printline-api"])
    port = api["ports"][0]
    config = by_kind("ConfigMap")["printline-config"]["data"]
    assert port["containerPort"] == int(config["PRINTLINE_API_PORT"])
    assert api["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port["name"]}
    assert api["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port["name"]}
    assert {"requests", "limits"} <= api["resources"].keys()


def test_worker_outlives_a_render_and_has_room_for_one() -> None:
    worker = by_kind("Deployment")["printline-worker"]
    config = by_kind("ConfigMap")["printline-config"]["data"]
    assert worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > int(
        config["PRINTLINE_TASK_TIME_LIMIT"])
    resources = container(worker)["resources"]
    limit, request = quantity(resources["limits"]["memory"]), quantity(resources["requests"]["memory"])
    concurrency = int(config["PRINTLINE_WORKER_CONCURRENCY"])
    assert request >= RENDER_PEAK_BYTES * concurrency * 1.25
    assert limit >= request


def test_service_pdbs_and_autoscalers_point_at_real_pods() -> None:
    deployments = by_kind("Deployment")
    labels = {name: d["spec"]["template"]["metadata"]["labels"] for name, d in deployments.items()}
    for name, d in deployments.items():
        assert d["spec"]["selector"]["matchLabels"].items() <= labels[name].items()
    service = by_kind("Service")["printline-api"]
    assert service["spec"]["selector"].items() <= labels["printline-api"].items()
    port_names = {p["name"] for p in container(deployments["printline-api"])["ports"]}
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names
    pdbs = by_kind("PodDisruptionBudget")
    for name in ("printline-api", "printline-worker"):
        assert pdbs[name]["spec"]["selector"]["matchLabels"].items() <= labels[name].items()
    hpas = by_kind("HorizontalPodAutoscaler")
    assert {h["spec"]["scaleTargetRef"]["name"] for h in hpas.values()} == {"printline-api", "printline-worker"}
    for hpa in hpas.values():
        assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]


def test_pods_run_as_the_images_non_root_user() -> None:
    uid = re.search(r"^USER (\d+)", (ROOT / "Dockerfile").read_text("utf-8"), re.M).group(1)
    for workload in [*by_kind("Deployment").values(), *by_kind("Job").values()]:
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert str(pod["securityContext"]["runAsUser"]) == uid
        assert container(workload)["securityContext"]["allowPrivilegeEscalation"] is False


def test_dockerfile() -> None:
    text = (ROOT / "Dockerfile").read_text("utf-8")
    froms = re.findall(r"^FROM (\S+)", text, re.M)
    assert froms and all(f == "python:3.11-slim" for f in froms)
    assert re.search(r"^USER (?!0\b|root\b)\S+", text, re.M)
    assert re.search(r'^CMD \["printline", "api"\]$', text, re.M)
    assert re.search(r"^HEALTHCHECK .*", text, re.M) and "/healthz" in text
    env_keys = set(re.findall(r"\b(PRINTLINE_[A-Z_]+)=", text))
    assert env_keys and env_keys <= SETTINGS_ENV, env_keys - SETTINGS_ENV


def test_dockerignore_keeps_the_build_context_small() -> None:
    ignored = set((ROOT / ".dockerignore").read_text("utf-8").split())
    assert {".git", ".venv", "var", "tests"} <= ignored
    packages = ["api", "queues", "render", "printfiles", "profiles", "orders", "storage", "printline"]
    assert not ignored & {*packages, "setup.cfg", "pyproject.toml"}


def test_kustomize_builds_with_one_image_everywhere() -> None:
    """Where kubectl is installed, the kustomization renders and sets the same image on every pod."""
    import shutil
    import subprocess

    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed; the YAML checks above still ran")
    rendered = subprocess.run([kubectl, "kustomize", str(K8S)], capture_output=True, text=True, timeout=60,
                              check=True).stdout
    docs = [d for d in yaml.safe_load_all(rendered) if d]
    pods = [d for d in docs if d["kind"] in {"Deployment", "Job"}]
    images = {c["image"] for d in pods for c in d["spec"]["template"]["spec"]["containers"]}
    assert len(pods) == 3 and len(images) == 1 and images != {"printline"}


# ---------------------------------------------------------------- schemas and sizing

K8S_VERSION = "1.37.0"  # the Kubernetes schemas kubernetes-validate ships (pinned in setup.cfg)
KEDA_SCHEMAS = {"ScaledObject": "keda-scaledobject-v1alpha1.json",
                "TriggerAuthentication": "keda-triggerauthentication-v1alpha1.json"}
SIZING = ROOT / "k8s" / "sizing.json"


def _strict(schema: Any) -> Any:
    """The schema with `additionalProperties: false` wherever it lists properties and says nothing
    else (as kubernetes-validate's -strict schemas do): a misspelt field is an error, not pruned."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out and out.get("type") == "object":
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def _keda_validator(kind: str):
    import json

    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((K8S / "schemas" / KEDA_SCHEMAS[kind]).read_text("utf-8"))
    return jsonschema.Draft7Validator(_strict(schema))


def test_every_manifest_validates_against_the_kubernetes_schemas() -> None:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    checked = 0
    for path, doc in manifests():
        if doc["kind"] in KEDA_SCHEMAS:
            continue
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)  # raises ValidationError
        checked += 1
    assert checked >= 10


def test_keda_objects_validate_against_keda_crd_schemas() -> None:
    docs = [doc for _, doc in manifests(K8S / "extras") if doc["kind"] in KEDA_SCHEMAS]
    assert {d["kind"] for d in docs} == set(KEDA_SCHEMAS)
    for doc in docs:
        errors = [e.message for e in _keda_validator(doc["kind"]).iter_errors(doc)]
        assert not errors, (doc["metadata"]["name"], errors)


def test_the_validation_refuses_broken_manifests() -> None:
    import copy

    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    worker = copy.deepcopy(by_kind("Deployment")["printline-worker"])
    worker["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(worker, K8S_VERSION, strict=True)
    worker = copy.deepcopy(by_kind("Deployment")["printline-worker"])
    container(worker)["resource"] = container(worker).pop("resources")  # misspelt: strict refuses it
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(worker, K8S_VERSION, strict=True)
    [scaled] = [d for _, d in manifests(K8S / "extras") if d["kind"] == "ScaledObject"]
    validator = _keda_validator("ScaledObject")
    for broken in ({"minReplicaCount": "2"}, {"triggers": None}, {"maxReplicas": 20}):
        candidate = copy.deepcopy(scaled)
        candidate["spec"].update(broken)
        if broken.get("triggers", 1) is None:
            del candidate["spec"]["triggers"]
        assert list(validator.iter_errors(candidate)), broken
    candidate = copy.deepcopy(scaled)
    candidate["spec"]["triggers"][0]["metadata"]["value"] = 2  # trigger metadata values are strings
    assert list(validator.iter_errors(candidate))


def _mi(value: str) -> float:
    return quantity(value) / 2**20


def test_worker_sizing_follows_the_measured_figures() -> None:
    """Requests, limits, libvips threads and the KEDA target are derived from k8s/sizing.json's
    measured figures the way k8s/README.md says."""
    import json
    import math

    sizing = json.loads(SIZING.read_text("utf-8"))
    measured, targets = sizing["measured"], sizing["targets"]
    worker = by_kind("Deployment")["printline-worker"]
    config = by_kind("ConfigMap")["printline-config"]["data"]
    resources = container(worker)["resources"]
    concurrency = int(config["PRINTLINE_WORKER_CONCURRENCY"])
    assert concurrency == 1  # one render per pod: memory flat, scaling by pods
    peak_mb = measured["worker_tree_peak_mb"]
    request, limit = _mi(resources["requests"]["memory"]), _mi(resources["limits"]["memory"])
    assert request * 2**20 >= peak_mb * 1e6 * targets["memory_headroom"]
    assert limit * 2**20 >= measured["worker_tree_worst_mb"] * 1e6 * targets["memory_headroom"]
    assert limit >= request
    cpu = resources["requests"]["cpu"]
    assert float(cpu) == targets["cpu_per_pod"] and float(resources["limits"]["cpu"]) >= float(cpu)
    env = {e["name"]: e["value"] for e in container(worker).get("env", [])}
    assert int(env["VIPS_CONCURRENCY"]) == targets["vips_threads_per_core"] * targets["cpu_per_pod"]
    [scaled] = [d for _, d in manifests(K8S / "extras") if d["kind"] == "ScaledObject"]
    [trigger] = scaled["spec"]["triggers"]
    per_pod = max(1, math.floor(targets["queue_wait_seconds"] / measured["service_seconds_per_job"]))
    assert trigger["metadata"]["value"] == str(per_pod)
    assert trigger["metadata"]["mode"] == "QueueLength"
