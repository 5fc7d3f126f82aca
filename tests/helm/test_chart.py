"""The Helm chart in helm/crm, rendered by Helm's own template engine and read as a deployer would.

``helm-python-sdk`` bundles Helm's Go SDK as a shared library, so ``helm template`` runs here
without a ``helm`` binary or a cluster. Nothing is skipped: a missing package is a failure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml

CHART = Path(__file__).resolve().parents[2] / "helm" / "crm"
RELEASE = "acme"
NAMESPACE = "crm-prod"
BASE = "crm.example.com"
FULLNAME = "acme-crm"

# Distinctive secret values, so any leak outside a Secret is easy to spot.
SECRETS = {
    "DATABASE_URL": "postgres://crm:db-pass-7f3a9c@postgres.db.svc:5432/crm",
    "REDIS_URL": "redis://:redis-pass-41be0d@redis-master.cache.svc:6379/0",
    "SECRET_KEY": "django-secret-key-5d1e8a7b2c9f40e6a3b7c1d8e2f4a6b9c0d1e2f3",
    "SENTRY_DSN": "https://sentry-key-9a8b7c@sentry.example.com/42",
    "EMAIL_HOST_PASSWORD": "smtp-pass-c0ffee",
    "STRIPE_API_KEY": "sk_live_stripe-key-123abc",
    "STRIPE_WEBHOOK_SECRET": "whsec_stripe-hook-456def",
}

REALISTIC: dict[str, Any] = {
    "baseDomain": BASE,
    "image": {"repository": "registry.example.com/saas-crm", "tag": "0.1.0-build.17", "pullPolicy": "Always"},
    "imagePullSecrets": [{"name": "regcred"}],
    "config": {
        "trustedProxies": "10.42.0.0/16,10.43.0.0/16",
        "loginLogRetentionDays": 180,
        "trialDays": 30,
        "logLevel": "WARNING",
        "databasePool": {"maxSize": 6, "minSize": 2, "timeout": 15},
        "email": {
            "host": "smtp.example.com",
            "port": 465,
            "user": "no-reply@crm.example.com",
            "useTls": True,
            "defaultFromEmail": "CRM <no-reply@crm.example.com>",
        },
    },
    "secrets": {
        "databaseUrl": SECRETS["DATABASE_URL"],
        "redisUrl": SECRETS["REDIS_URL"],
        "secretKey": SECRETS["SECRET_KEY"],
        "sentryDsn": SECRETS["SENTRY_DSN"],
        "emailHostPassword": SECRETS["EMAIL_HOST_PASSWORD"],
        "stripeApiKey": SECRETS["STRIPE_API_KEY"],
        "stripeWebhookSecret": SECRETS["STRIPE_WEBHOOK_SECRET"],
    },
    "web": {"replicaCount": 3},
    "worker": {"replicaCount": 2, "concurrency": 4},
    "ingress": {
        "className": "nginx",
        "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt-dns"},
        "tls": {"enabled": True, "secretName": "crm-example-com-wildcard"},
    },
    "persistence": {"storageClass": "cephfs", "size": "50Gi"},
}

EXISTING_SECRET: dict[str, Any] = {**REALISTIC, "secrets": {"existingSecret": "crm-env"}}

APP_CONTAINERS = {"web": "web", "worker": "worker", "beat": "beat", "ami": "ami"}
# Addresses and paths inside the pods, not on this machine.
LISTEN_ALL = "0.0.0.0"  # noqa: S104 - the web container listens on every interface of its pod
POD_TMP = "/tmp"  # noqa: S108 - the pod's emptyDir, not a temporary file here
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def merged(base: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with nested overrides: merged(v, config={"trialDays": 7})."""
    out = yaml.safe_load(yaml.safe_dump(base))
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], **value)
        else:
            out[key] = value
    return out


class Rendered:
    """The manifests of one render, indexed by (kind, name)."""

    def __init__(self, files: dict[str, str]):
        self.files = files
        self.notes = next((text for path, text in files.items() if path.endswith("NOTES.txt")), "")
        self.docs: list[dict[str, Any]] = [
            doc
            for path, text in sorted(files.items())
            if path.endswith(".yaml")
            for doc in yaml.safe_load_all(text)
            if doc
        ]
        self.by_key = {(d["kind"], d["metadata"]["name"]): d for d in self.docs}
        assert len(self.by_key) == len(self.docs), "two objects share a kind and name"

    def get(self, kind: str, name: str) -> dict[str, Any]:
        assert (kind, name) in self.by_key, f"{kind}/{name} not rendered; have {sorted(self.by_key)}"
        return self.by_key[(kind, name)]

    def kinds(self, kind: str) -> list[dict[str, Any]]:
        return [d for d in self.docs if d["kind"] == kind]

    def deployment(self, component: str) -> dict[str, Any]:
        return self.get("Deployment", f"{FULLNAME}-{component}")

    def container(self, component: str) -> dict[str, Any]:
        (container,) = self.deployment(component)["spec"]["template"]["spec"]["containers"]
        assert container["name"] == APP_CONTAINERS[component]
        return container


def render(values: dict[str, Any], *, upgrade: bool = False) -> Rendered:
    with helm.Chart.load(CHART) as chart:
        files = chart.render(
            values=values, name=RELEASE, namespace=NAMESPACE, is_install=not upgrade, is_upgrade=upgrade,
        )
    return Rendered(files)


def render_error(values: dict[str, Any]) -> str:
    with pytest.raises(helm.HelmRenderError) as excinfo:
        render(values)
    return str(excinfo.value)


@pytest.fixture(scope="module")
def out() -> Rendered:
    return render(REALISTIC)


@pytest.fixture(scope="module")
def out_existing() -> Rendered:
    return render(EXISTING_SECRET)


def is_hook(doc: dict[str, Any]) -> bool:
    return "helm.sh/hook" in (doc["metadata"].get("annotations") or {})


def pod_spec(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["spec"]["template"]["spec"]


def env_sources(container: dict[str, Any]) -> tuple[str, str]:
    """(ConfigMap name, Secret name) a container takes its environment from."""
    config = [s["configMapRef"]["name"] for s in container["envFrom"] if "configMapRef" in s]
    secret = [s["secretRef"]["name"] for s in container["envFrom"] if "secretRef" in s]
    assert len(config) == 1 and len(secret) == 1, container["envFrom"]
    return config[0], secret[0]


# --- the chart itself -------------------------------------------------------------------


def test_chart_metadata_and_lint():
    meta = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert meta["apiVersion"] == "v2"
    assert meta["name"] == "crm"
    assert str(meta["appVersion"]) == "0.1.0"
    report = helm.lint(CHART, REALISTIC, strict=True, kube_version="v1.30.0")
    problems = [m for m in report["messages"] if m["severity"] >= 2]  # warnings and errors
    assert not problems and not report["errors"], report
    for name in ("values.yaml", "README.md", "templates/NOTES.txt", "templates/_helpers.tpl"):
        assert (CHART / name).is_file(), name


def test_every_object_is_well_formed_and_labelled(out):
    for doc in out.docs:
        meta = doc["metadata"]
        assert doc["apiVersion"] and doc["kind"]
        assert DNS_LABEL.match(meta["name"]) and len(meta["name"]) <= 63, meta["name"]
        labels = meta["labels"]
        assert labels["app.kubernetes.io/name"] == "crm"
        assert labels["app.kubernetes.io/instance"] == RELEASE
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert labels["app.kubernetes.io/version"] == "0.1.0"
        assert labels["helm.sh/chart"] == "crm-0.1.0"
        assert meta["namespace"] == NAMESPACE  # helm install -n decides; kubectl apply of a rendering keeps it
    expected = {
        ("ConfigMap", FULLNAME), ("Secret", FULLNAME), ("ServiceAccount", FULLNAME),
        ("Service", f"{FULLNAME}-web"), ("Ingress", FULLNAME), ("PodDisruptionBudget", f"{FULLNAME}-web"),
        ("PersistentVolumeClaim", f"{FULLNAME}-media"), ("Job", f"{FULLNAME}-migrate"),
        ("Deployment", f"{FULLNAME}-web"), ("Deployment", f"{FULLNAME}-worker"), ("Deployment", f"{FULLNAME}-beat"),
    }
    assert expected <= set(out.by_key)
    assert not out.kinds("HorizontalPodAutoscaler")  # autoscaling is off by default


# --- processes --------------------------------------------------------------------------


def test_web_worker_beat_run_the_right_commands(out):
    web = out.container("web")
    assert web["command"] == ["uvicorn", "saas_core.asgi:application", "--host", LISTEN_ALL, "--port", "8000",
                              "--no-proxy-headers"]
    assert web["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    worker = out.container("worker")
    assert worker["command"][:6] == ["celery", "-A", "saas_core", "worker", "-l", "info"]
    assert worker["command"][6:] == ["--concurrency", "4"]
    beat = out.container("beat")
    assert beat["command"][:6] == ["celery", "-A", "saas_core", "beat", "-l", "info"]
    # The root filesystem is read-only: beat's schedule file must go to the writable /tmp.
    assert beat["command"][6:] == ["--schedule", f"{POD_TMP}/celerybeat-schedule"]
    for component in APP_CONTAINERS:
        container = out.container(component)
        assert container["image"] == "registry.example.com/saas-crm:0.1.0-build.17"
        assert container["imagePullPolicy"] == "Always"
        assert pod_spec(out.deployment(component))["imagePullSecrets"] == [{"name": "regcred"}]
        assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
    assert out.deployment("web")["spec"]["replicas"] == 3
    assert out.deployment("worker")["spec"]["replicas"] == 2


def test_the_ami_adapter_runs_once_with_recreate_and_can_be_left_out(out):
    ami = out.container("ami")
    assert ami["command"] == ["crm", "ami", "--refresh", "30"]
    assert ami["image"] == "registry.example.com/saas-crm:0.1.0-build.17"
    deployment = out.deployment("ami")
    assert deployment["spec"]["replicas"] == 1 and deployment["spec"]["strategy"] == {"type": "Recreate"}
    scaled = render(merged(REALISTIC, autoscaling={"enabled": True}))
    assert scaled.deployment("ami")["spec"]["replicas"] == 1
    off = render(merged(REALISTIC, amiAdapter={"enabled": False}))
    assert ("Deployment", f"{FULLNAME}-ami") not in set(off.by_key)


def test_beat_is_a_single_replica_replaced_with_recreate(out):
    beat = out.deployment("beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    scaled = render(merged(REALISTIC, autoscaling={"enabled": True}))
    assert scaled.deployment("beat")["spec"]["replicas"] == 1
    targets = {h["spec"]["scaleTargetRef"]["name"] for h in scaled.kinds("HorizontalPodAutoscaler")}
    assert targets == {f"{FULLNAME}-web", f"{FULLNAME}-worker"}
    # With an HPA the Deployment must not pin replicas, or every upgrade would reset them.
    assert "replicas" not in scaled.deployment("web")["spec"]
    assert "replicas" not in scaled.deployment("worker")["spec"]


def test_migrate_job_is_a_pre_install_pre_upgrade_hook(out):
    job = out.get("Job", f"{FULLNAME}-migrate")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    (container,) = pod_spec(job)["containers"]
    assert container["command"] == ["crm", "migrate"]
    assert pod_spec(job)["restartPolicy"] == "Never"
    assert job["spec"]["backoffLimit"] >= 0

    # On a first install the hook runs before the release's ordinary objects exist, so everything
    # the Job reads must itself be a hook created before it (a lower weight) or exist beforehand.
    config_name, secret_name = env_sources(container)
    job_weight = int(annotations.get("helm.sh/hook-weight", "0"))
    for kind, name in (("ConfigMap", config_name), ("Secret", secret_name)):
        source = out.get(kind, name)
        assert is_hook(source), f"{kind}/{name} does not exist yet when the pre-install hook runs"
        source_annotations = source["metadata"]["annotations"]
        assert set(source_annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
        assert int(source_annotations["helm.sh/hook-weight"]) < job_weight
        assert "before-hook-creation" in source_annotations["helm.sh/hook-delete-policy"]
    assert out.get("ConfigMap", config_name)["data"] == out.get("ConfigMap", FULLNAME)["data"]
    assert out.get("Secret", secret_name)["stringData"] == out.get("Secret", FULLNAME)["stringData"]
    # The chart's own ServiceAccount does not exist before the first install either.
    assert pod_spec(job)["serviceAccountName"] == "default"

    # Nothing else is a hook: the application itself is ordinary release content.
    hooks = {(d["kind"], d["metadata"]["name"]) for d in out.docs if is_hook(d)}
    assert hooks == {("Job", job["metadata"]["name"]), ("ConfigMap", config_name), ("Secret", secret_name)}

    disabled = render(merged(REALISTIC, migrate={"enabled": False}))
    assert not disabled.kinds("Job")
    assert "migrate.enabled is false" in disabled.notes


# --- routing ----------------------------------------------------------------------------


def test_ingress_routes_base_domain_and_every_workspace_to_web(out):
    ingress = out.get("Ingress", FULLNAME)
    spec = ingress["spec"]
    assert spec["ingressClassName"] == "nginx"
    assert ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt-dns"
    rules = {rule["host"]: rule for rule in spec["rules"]}
    assert set(rules) == {BASE, f"*.{BASE}"}

    service = out.get("Service", f"{FULLNAME}-web")
    service_ports = {p["name"]: p for p in service["spec"]["ports"]}
    web_labels = out.deployment("web")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= web_labels.items()
    assert service_ports["http"]["targetPort"] == "http"
    for rule in rules.values():
        (path,) = rule["http"]["paths"]
        assert path["path"] == "/" and path["pathType"] == "Prefix"
        backend = path["backend"]["service"]
        assert backend["name"] == service["metadata"]["name"]
        assert backend["port"]["name"] in service_ports

    (tls,) = spec["tls"]
    assert tls["secretName"] == "crm-example-com-wildcard"
    assert set(tls["hosts"]) == {BASE, f"*.{BASE}"}
    assert out.get("ConfigMap", FULLNAME)["data"]["USE_HTTPS"] == "true"


def test_ingress_without_tls_and_disabled():
    plain = render(merged(REALISTIC, ingress={"tls": {"enabled": False}}))
    ingress = plain.get("Ingress", FULLNAME)
    assert "tls" not in ingress["spec"]
    assert {r["host"] for r in ingress["spec"]["rules"]} == {BASE, f"*.{BASE}"}
    assert plain.get("ConfigMap", FULLNAME)["data"]["USE_HTTPS"] == "false"
    # TLS ending at a load balancer in front of the cluster: USE_HTTPS can be forced.
    forced = render(merged(REALISTIC, ingress={"tls": {"enabled": False}}, config={"useHttps": True}))
    assert forced.get("ConfigMap", FULLNAME)["data"]["USE_HTTPS"] == "true"
    off = render(merged(REALISTIC, ingress={"enabled": False}))
    assert not off.kinds("Ingress")
    assert "port-forward" in off.notes


def test_web_probes_ask_the_health_endpoints(out):
    web = out.container("web")
    paths = {probe: web[probe]["httpGet"]["path"] for probe in ("startupProbe", "readinessProbe", "livenessProbe")}
    # Liveness asks only whether the process is up: a database outage must not restart every pod.
    assert paths == {"startupProbe": "/readyz", "readinessProbe": "/readyz", "livenessProbe": "/healthz"}
    for probe in paths:
        get = web[probe]["httpGet"]
        assert get["port"] in ("http", 8000)
        assert "httpHeaders" not in get, "the app answers the probe paths on any Host (saas_core.health)"
    assert web["livenessProbe"]["failureThreshold"] * web["livenessProbe"]["periodSeconds"] >= 60


# --- configuration and secrets ----------------------------------------------------------


def test_configmap_holds_the_settings_and_no_secret(out):
    data = out.get("ConfigMap", FULLNAME)["data"]
    assert data["BASE_DOMAIN"] == BASE
    assert data["BEHIND_PROXY"] == "true"
    assert data["TRUSTED_PROXIES"] == "10.42.0.0/16,10.43.0.0/16"
    assert data["LOGIN_LOG_RETENTION_DAYS"] == "180"
    assert data["TRIAL_DAYS"] == "30"
    assert data["LANGUAGE_CODE"] == "zh-hans"
    assert data["TIME_ZONE"] == "Asia/Shanghai"
    assert data["LOG_LEVEL"] == "WARNING"
    assert data["MEDIA_ROOT"] == "/data/media"
    assert (data["DATABASE_POOL_MAX_SIZE"], data["DATABASE_POOL_MIN_SIZE"], data["DATABASE_POOL_TIMEOUT"]) == (
        "6", "2", "15")
    assert data["EMAIL_HOST"] == "smtp.example.com"
    assert data["EMAIL_PORT"] == "465"
    assert data["EMAIL_HOST_USER"] == "no-reply@crm.example.com"
    assert data["EMAIL_USE_TLS"] == "true"
    assert data["DEFAULT_FROM_EMAIL"] == "CRM <no-reply@crm.example.com>"
    assert all(isinstance(value, str) for value in data.values())  # ConfigMap data must be strings

    assert not set(SECRETS) & set(data), "a secret variable is in the ConfigMap"
    secret = out.get("Secret", FULLNAME)
    assert secret["stringData"] == SECRETS

    # No secret value appears in any object other than a Secret (ConfigMaps, pod specs, NOTES).
    for doc in out.docs:
        if doc["kind"] == "Secret":
            continue
        text = yaml.safe_dump(doc)
        for name, value in SECRETS.items():
            assert value not in text, f"{name} leaks into {doc['kind']}/{doc['metadata']['name']}"
    for name, value in SECRETS.items():
        assert value not in out.notes, f"{name} leaks into NOTES.txt"


def test_defaults_leave_optional_settings_to_the_app():
    minimal = render({"baseDomain": BASE, "secrets": {k: v for k, v in REALISTIC["secrets"].items()
                                                      if k in ("databaseUrl", "redisUrl", "secretKey")}})
    data = minimal.get("ConfigMap", FULLNAME)["data"]
    assert data["LOGIN_LOG_RETENTION_DAYS"] == "90"
    assert data["TRIAL_DAYS"] == "14"
    assert data["LANGUAGE_CODE"] == "zh-hans"
    assert data["TIME_ZONE"] == "Asia/Shanghai"
    assert (data["DATABASE_POOL_MAX_SIZE"], data["DATABASE_POOL_MIN_SIZE"], data["DATABASE_POOL_TIMEOUT"]) == (
        "10", "1", "20")  # the app's own defaults (saas_core.settings)
    for unset in ("EMAIL_HOST", "EMAIL_HOST_USER", "DEFAULT_FROM_EMAIL", "TRUSTED_PROXIES", "ALLOWED_HOSTS"):
        assert unset not in data
    assert set(minimal.get("Secret", FULLNAME)["stringData"]) == {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
    assert minimal.container("web")["image"] == "registry.example.com/saas-crm:0.1.0"  # appVersion


def test_sign_in_and_rate_limits_pass_through_to_the_app():
    defaults = render(REALISTIC).get("ConfigMap", FULLNAME)["data"]
    assert {k: defaults[k] for k in ("LOGIN_FAILURE_LIMIT", "LOGIN_RATE", "SIGNUP_RATE", "API_READ_RATE",
                                     "API_WRITE_RATE")} == {
        "LOGIN_FAILURE_LIMIT": "5", "LOGIN_RATE": "20/min", "SIGNUP_RATE": "5/hour", "API_READ_RATE": "600/min",
        "API_WRITE_RATE": "120/min"}
    limits = {"loginFailureLimit": 8, "loginFailureWindowMinutes": 30, "loginLockMinutes": 60,
              "loginAddressFailureLimit": 50, "loginAddressBlockMinutes": 2, "loginRate": "30/min",
              "loginAccountRate": "5/min", "signupRate": "2/hour", "apiReadRate": "1000/min", "apiWriteRate": "off"}
    data = render(merged(REALISTIC, config={"limits": limits})).get("ConfigMap", FULLNAME)["data"]
    assert {k: data[k] for k in ("LOGIN_FAILURE_LIMIT", "LOGIN_FAILURE_WINDOW_MINUTES", "LOGIN_LOCK_MINUTES",
                                 "LOGIN_ADDRESS_FAILURE_LIMIT", "LOGIN_ADDRESS_BLOCK_MINUTES", "LOGIN_RATE",
                                 "LOGIN_ACCOUNT_RATE", "SIGNUP_RATE", "API_READ_RATE", "API_WRITE_RATE")} == {
        "LOGIN_FAILURE_LIMIT": "8", "LOGIN_FAILURE_WINDOW_MINUTES": "30", "LOGIN_LOCK_MINUTES": "60",
        "LOGIN_ADDRESS_FAILURE_LIMIT": "50", "LOGIN_ADDRESS_BLOCK_MINUTES": "2", "LOGIN_RATE": "30/min",
        "LOGIN_ACCOUNT_RATE": "5/min", "SIGNUP_RATE": "2/hour", "API_READ_RATE": "1000/min", "API_WRITE_RATE": "off"}


def test_every_app_container_reads_the_configmap_and_secret(out):
    for component in APP_CONTAINERS:
        assert env_sources(out.container(component)) == (FULLNAME, FULLNAME)


def test_pods_roll_when_the_configmap_changes(out):
    before = out.deployment("web")["spec"]["template"]["metadata"]["annotations"]
    changed = render(merged(REALISTIC, config={"trialDays": 7}))
    for component in APP_CONTAINERS:
        after = changed.deployment(component)["spec"]["template"]["metadata"]["annotations"]
        assert after["checksum/config"] != out.deployment(component)["spec"]["template"]["metadata"][
            "annotations"]["checksum/config"]
        assert after["checksum/secret"] == before["checksum/secret"]
    rotated = render(merged(REALISTIC, secrets={"secretKey": "another-key"}))
    annotations = rotated.deployment("worker")["spec"]["template"]["metadata"]["annotations"]
    assert annotations["checksum/secret"] != before["checksum/secret"]
    assert annotations["checksum/config"] == before["checksum/config"]


def test_existing_secret(out_existing):
    assert not out_existing.kinds("Secret"), "the chart must not render a Secret when one is supplied"
    for component in APP_CONTAINERS:
        assert env_sources(out_existing.container(component)) == (FULLNAME, "crm-env")
        annotations = out_existing.deployment(component)["spec"]["template"]["metadata"]["annotations"]
        assert "checksum/config" in annotations and "checksum/secret" not in annotations
    job = out_existing.get("Job", f"{FULLNAME}-migrate")
    (container,) = pod_spec(job)["containers"]
    assert env_sources(container) == (f"{FULLNAME}-migrate", "crm-env")
    assert not set(SECRETS) & set(out_existing.get("ConfigMap", FULLNAME)["data"])


@pytest.mark.parametrize(
    ("missing", "variable"),
    [("databaseUrl", "DATABASE_URL"), ("redisUrl", "REDIS_URL"), ("secretKey", "SECRET_KEY")],
)
def test_rendering_fails_clearly_without_a_required_secret(missing, variable):
    secrets = {k: v for k, v in REALISTIC["secrets"].items() if k != missing}
    message = render_error({**REALISTIC, "secrets": secrets})
    assert variable in message and f"secrets.{missing}" in message and "existingSecret" in message


def test_rendering_fails_without_database_url_even_when_empty():
    message = render_error(merged(REALISTIC, secrets={"databaseUrl": ""}))
    assert "DATABASE_URL" in message and "required" in message


def test_rendering_fails_without_base_domain():
    message = render_error(merged(REALISTIC, baseDomain=""))
    assert "baseDomain is required" in message


def test_existing_secret_and_secret_values_together_is_an_error():
    message = render_error(merged(REALISTIC, secrets={"existingSecret": "crm-env"}))
    assert "existingSecret" in message and "both set" in message


# --- storage, security, availability ----------------------------------------------------


def test_media_volume_is_shared_by_web_and_worker(out):
    pvc = out.get("PersistentVolumeClaim", f"{FULLNAME}-media")
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    assert pvc["spec"]["resources"]["requests"]["storage"] == "50Gi"
    assert pvc["spec"]["storageClassName"] == "cephfs"
    assert pvc["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    for component in ("web", "worker"):
        volumes = {v["name"]: v for v in pod_spec(out.deployment(component))["volumes"]}
        mounts = {m["name"]: m for m in out.container(component)["volumeMounts"]}
        assert volumes["media"]["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"]
        assert mounts["media"]["mountPath"] == "/data/media"
    beat_volumes = {v["name"] for v in pod_spec(out.deployment("beat"))["volumes"]}
    assert "media" not in beat_volumes

    off = render(merged(REALISTIC, persistence={"enabled": False}))
    assert not off.kinds("PersistentVolumeClaim")
    for component in ("web", "worker"):
        assert "media" not in {m["name"] for m in off.container(component)["volumeMounts"]}
    existing = render(merged(REALISTIC, persistence={"existingClaim": "crm-uploads"}))
    assert not existing.kinds("PersistentVolumeClaim")
    volumes = {v["name"]: v for v in pod_spec(existing.deployment("web"))["volumes"]}
    assert volumes["media"]["persistentVolumeClaim"]["claimName"] == "crm-uploads"


def test_pods_are_locked_down(out):
    workloads = [out.deployment(c) for c in APP_CONTAINERS] + [out.get("Job", f"{FULLNAME}-migrate")]
    for workload in workloads:
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        volumes = {v["name"]: v for v in spec["volumes"]}
        assert "emptyDir" in volumes["tmp"]
        for container in spec["containers"]:
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"]["drop"] == ["ALL"]
            assert {"name": "tmp", "mountPath": POD_TMP} in container["volumeMounts"]
    # The app's scratch folder (CRM_DATA_DIR) is on the writable /tmp.
    assert out.get("ConfigMap", FULLNAME)["data"]["CRM_DATA_DIR"].startswith(f"{POD_TMP}/")
    for component in APP_CONTAINERS:
        assert pod_spec(out.deployment(component))["serviceAccountName"] == FULLNAME
    assert out.get("ServiceAccount", FULLNAME)["automountServiceAccountToken"] is False


def test_selectors_match_their_pods(out):
    for component in APP_CONTAINERS:
        deployment = out.deployment(component)
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector["app.kubernetes.io/component"] == component
        assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    pdb = out.get("PodDisruptionBudget", f"{FULLNAME}-web")
    web_labels = out.deployment("web")["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= web_labels.items()
    assert pdb["spec"]["maxUnavailable"] == 1
    # Distinct components never share a selector (the web Service must not reach workers).
    selectors = [tuple(sorted(out.deployment(c)["spec"]["selector"]["matchLabels"].items())) for c in APP_CONTAINERS]
    assert len(set(selectors)) == len(selectors)


def test_upgrade_notes_and_release_name_containing_chart_name():
    with helm.Chart.load(CHART) as chart:
        files = chart.render(values=REALISTIC, name="crm", namespace=NAMESPACE, is_upgrade=True)
    rendered = Rendered(files)
    assert ("Deployment", "crm-web") in rendered.by_key
    assert "pre-upgrade hook Job crm-migrate" in rendered.notes
    assert f"https://{BASE}/" in rendered.notes


def test_optional_knobs_render_valid_manifests():
    values = merged(
        REALISTIC,
        nodeSelector={"pool": "app"},
        tolerations=[{"key": "dedicated", "operator": "Exists"}],
        priorityClassName="crm-high",
        extraEnv=[{"name": "EXTRA", "valueFrom": {"secretKeyRef": {"name": "other", "key": "extra"}}}],
        extraEnvFrom=[{"secretRef": {"name": "more-env"}}],
        serviceAccount={"create": False, "name": "crm-sa"},
        podDisruptionBudget={"minAvailable": 1},
        config={"extra": {"CACHE_KEY_PREFIX": "crm"}, "allowedHosts": "crm.internal"},
        web={
            "nodeSelector": {"pool": "web"},
            "podLabels": {"team": "crm"},
            "extraArgs": ["--workers", "2"],
            "topologySpreadConstraints": [
                {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"},
            ],
        },
        worker={"livenessProbe": {"exec": {"command": ["celery", "-A", "saas_core", "inspect", "ping"]}}},
        migrate={"activeDeadlineSeconds": 1800},
        autoscaling={"enabled": True, "web": {"targetMemoryUtilizationPercentage": 80}},
    )
    rendered = render(values)
    web_spec = pod_spec(rendered.deployment("web"))
    assert web_spec["nodeSelector"] == {"pool": "web"}
    assert pod_spec(rendered.deployment("worker"))["nodeSelector"] == {"pool": "app"}
    assert web_spec["tolerations"] == [{"key": "dedicated", "operator": "Exists"}]
    assert web_spec["priorityClassName"] == "crm-high"
    assert web_spec["topologySpreadConstraints"][0]["maxSkew"] == 1
    assert rendered.deployment("web")["spec"]["template"]["metadata"]["labels"]["team"] == "crm"
    web = rendered.container("web")
    assert web["command"][-2:] == ["--workers", "2"]
    assert web["env"][0]["name"] == "EXTRA"
    assert {"secretRef": {"name": "more-env"}} in web["envFrom"]
    assert rendered.container("worker")["livenessProbe"]["exec"]["command"][-1] == "ping"
    assert not rendered.kinds("ServiceAccount")
    assert web_spec["serviceAccountName"] == "crm-sa"
    job = rendered.get("Job", f"{FULLNAME}-migrate")
    assert pod_spec(job)["serviceAccountName"] == "crm-sa" and job["spec"]["activeDeadlineSeconds"] == 1800
    assert rendered.get("PodDisruptionBudget", f"{FULLNAME}-web")["spec"] == {
        "minAvailable": 1, "selector": rendered.deployment("web")["spec"]["selector"],
    }
    data = rendered.get("ConfigMap", FULLNAME)["data"]
    assert data["CACHE_KEY_PREFIX"] == "crm" and data["ALLOWED_HOSTS"] == "crm.internal"
    hpa = rendered.get("HorizontalPodAutoscaler", f"{FULLNAME}-web")
    assert {m["resource"]["name"] for m in hpa["spec"]["metrics"]} == {"cpu", "memory"}


def test_csp_report_uri_is_passed_only_when_set():
    endpoint = "https://o1.ingest.sentry.example/api/2/security/?sentry_key=abc"
    data = render(merged(REALISTIC, config={"cspReportUri": endpoint})).get("ConfigMap", FULLNAME)["data"]
    assert data["CSP_REPORT_URI"] == endpoint
    assert "CSP_REPORT_URI" not in render(REALISTIC).get("ConfigMap", FULLNAME)["data"]
