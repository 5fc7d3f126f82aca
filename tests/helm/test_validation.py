"""The chart's manifests against the Kubernetes API schemas (kubernetes-validate) and a security
scanner (checkov), for several values sets; values.schema.json; NetworkPolicies and budgets.

checkov pins dozens of packages (packaging<24, boto3==…) that the product's own environment must
not be forced to: it runs from a virtualenv of its own under .venv-tools/, created on first use
from the version pinned in pyproject.toml's ``chart-scan`` extra. Nothing is skipped: a checkov
that cannot be installed fails the test.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

from tests.helm.test_chart import (
    EXISTING_SECRET,
    FULLNAME,
    REALISTIC,
    SECRETS,
    Rendered,
    merged,
    pod_spec,
    render,
    render_error,
)

REPO = Path(__file__).resolve().parents[2]
KUBE_VERSIONS = ("1.25", "1.30")
INGRESS_NGINX = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}
VALUE_SETS: dict[str, dict[str, Any]] = {
    "realistic": REALISTIC,
    "existing-secret": EXISTING_SECRET,
    "minimal": {"baseDomain": "crm.example.com", "secrets": {k: v for k, v in REALISTIC["secrets"].items()
                                                             if k in ("databaseUrl", "redisUrl", "secretKey")}},
    "scaled-and-fenced": merged(
        REALISTIC, autoscaling={"enabled": True, "web": {"targetMemoryUtilizationPercentage": 80}},
        networkPolicy={"ingressFrom": [INGRESS_NGINX],
                       "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}], "ports": [{"port": 5432}]}]},
        podDisruptionBudget={"minAvailable": 1, "maxUnavailable": None},
    ),
    "bare": merged(REALISTIC, ingress={"enabled": False}, persistence={"enabled": False}, beat={"enabled": False},
                   migrate={"enabled": False}, networkPolicy={"enabled": False}, podDisruptionBudget={"enabled": False},
                   serviceAccount={"create": False, "name": "crm-sa"}),
}


# Checks a values set fails because its values ask for it (and the chart's defaults pass).
ACCEPTED_FAILURES = {"bare": {"CKV2_K8S_6"}}  # networkPolicy.enabled=false: pods without a NetworkPolicy


@pytest.fixture(scope="module", params=sorted(VALUE_SETS))
def rendered(request) -> Rendered:
    out = render(VALUE_SETS[request.param])
    out.values_set = request.param
    return out


@pytest.mark.parametrize("version", KUBE_VERSIONS)
def test_every_manifest_is_valid_against_the_kubernetes_schemas(rendered, version):
    assert rendered.docs
    for doc in rendered.docs:
        try:
            kubernetes_validate.validate(doc, version, strict=True)  # strict: unknown fields are errors
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{doc['kind']}/{doc['metadata']['name']} is invalid for Kubernetes {version}: {exc.message} "
                        f"at {'.'.join(str(p) for p in exc.path)}")


# --- checkov ------------------------------------------------------------------------------


def _checkov_requirement() -> str:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    (requirement,) = extras["chart-scan"]
    return requirement


@pytest.fixture(scope="session")
def checkov() -> Path:
    requirement = _checkov_requirement()
    venv = REPO / ".venv-tools" / requirement.replace("==", "-")
    binary = venv / "bin" / "checkov"
    venv.parent.mkdir(exist_ok=True)
    with (venv.parent / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # xdist workers install it once
        if not binary.exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            result = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", requirement],
                                    capture_output=True, text=True, timeout=1200)
            assert result.returncode == 0, f"installing {requirement} failed:\n{result.stdout}\n{result.stderr}"
    return binary


def test_checkov_passes_every_check_or_the_chart_says_why_not(rendered, checkov, tmp_path):
    for index, doc in enumerate(rendered.docs):
        (tmp_path / f"{index:02d}-{doc['kind']}.yaml").write_text(yaml.safe_dump(doc))
    result = subprocess.run(
        [str(checkov), "--directory", str(tmp_path), "--framework", "kubernetes", "--output", "json",
         "--compact", "--skip-download"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout) if result.stdout.strip() else {}
    reports = report if isinstance(report, list) else [report]
    accepted = ACCEPTED_FAILURES.get(rendered.values_set, set())
    failed = [(c["check_id"], c["check_name"], c["resource"]) for r in reports if r
              for c in r.get("results", {}).get("failed_checks", []) if c["check_id"] not in accepted]
    assert not failed, "checkov failed checks:\n" + "\n".join(map(str, failed))
    passed = sum(len(r.get("results", {}).get("passed_checks", [])) for r in reports if r)
    assert passed > 50, "checkov checked next to nothing: is the framework right?"
    # Every skip is an annotation in the chart with a reason (checkov.io/skipN: ID=reason).
    for r in reports:
        for check in (r or {}).get("results", {}).get("skipped_checks", []):
            reason = check["check_result"].get("suppress_comment", "")
            assert len(reason.strip()) > 20, f"{check['check_id']} skipped without a reason"


# --- values.schema.json -------------------------------------------------------------------


def schema_error(values: dict[str, Any]) -> str:
    with pytest.raises(helm.errors.HelmValuesError) as excinfo:
        render(values)
    return str(excinfo.value)


def test_values_schema_refuses_a_misspelt_key_and_a_wrong_type():
    assert json.loads((REPO / "helm" / "crm" / "values.schema.json").read_text())["additionalProperties"] is False
    message = schema_error(merged(REALISTIC, webb={"replicaCount": 3}))
    assert "webb" in message
    message = schema_error(merged(REALISTIC, web={"replicaCount": "three"}))
    assert "replicaCount" in message
    message = schema_error(merged(REALISTIC, worker={"concurrency": 0}))
    assert "concurrency" in message
    message = schema_error(merged(REALISTIC, image={"pullPolicy": "Sometimes"}))
    assert "pullPolicy" in message
    message = schema_error(merged(REALISTIC, baseDomain="https://crm.example.com/"))
    assert "baseDomain" in message


# --- network policies and disruption budgets ------------------------------------------------


def _selects(policy: dict[str, Any], labels: dict[str, str]) -> bool:
    selector = policy["spec"]["podSelector"]
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In"
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def test_network_policies_let_only_web_be_reached_and_only_on_its_port():
    out = render(VALUE_SETS["scaled-and-fenced"])
    policies = out.kinds("NetworkPolicy")
    pods = {c: out.deployment(c)["spec"]["template"]["metadata"]["labels"] for c in ("web", "worker", "beat", "ami")}
    pods["migrate"] = out.get("Job", f"{FULLNAME}-migrate")["spec"]["template"]["metadata"]["labels"]
    for component, labels in pods.items():
        applying = [p for p in policies if _selects(p, labels)]
        assert len(applying) == 1, (component, [p["metadata"]["name"] for p in applying])
        (policy,) = applying
        assert set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}
        if component == "web":
            (rule,) = policy["spec"]["ingress"]
            assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]
            assert rule["from"] == [INGRESS_NGINX]
        else:
            assert not policy["spec"].get("ingress"), f"{component} accepts connections"
        egress = policy["spec"]["egress"]
        assert {"port": 53, "protocol": "UDP"} in egress[0]["ports"], "DNS must stay open"
        assert {"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}], "ports": [{"port": 5432}]} in egress
    # By default egress is left open (external services by URL) and web is reachable by any peer.
    default = render(REALISTIC)
    for policy in default.kinds("NetworkPolicy"):
        assert policy["spec"]["policyTypes"] == ["Ingress"]
    web_policy = default.get("NetworkPolicy", f"{FULLNAME}-web")
    assert "from" not in web_policy["spec"]["ingress"][0]


def test_web_and_worker_have_disruption_budgets_beat_has_none(out=None):
    out = render(REALISTIC)
    budgets = {p["metadata"]["name"]: p for p in out.kinds("PodDisruptionBudget")}
    assert set(budgets) == {f"{FULLNAME}-web", f"{FULLNAME}-worker"}
    for component in ("web", "worker"):
        budget = budgets[f"{FULLNAME}-{component}"]
        assert budget["spec"]["selector"] == out.deployment(component)["spec"]["selector"]
        assert budget["spec"]["maxUnavailable"] == 1


def test_no_secret_value_in_any_value_set_outside_secrets():
    for name, values in VALUE_SETS.items():
        for doc in render(values).docs:
            if doc["kind"] == "Secret":
                continue
            text = yaml.safe_dump(doc)
            for key, value in SECRETS.items():
                assert value not in text, f"{name}: {key} leaks into {doc['kind']}/{doc['metadata']['name']}"


def test_pods_run_read_only_as_non_root_with_resources(rendered):
    workloads = [d for d in rendered.docs if d["kind"] in ("Deployment", "Job")]
    assert workloads
    for workload in workloads:
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["runAsUser"] >= 10000
        for container in spec["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["resources"]["requests"]["memory"] and container["resources"]["limits"]["memory"]


def test_pgbouncer_transaction_pooling_is_one_setting_for_every_process():
    default = render(REALISTIC)
    assert default.get("ConfigMap", FULLNAME)["data"]["DATABASE_TRANSACTION_POOLING"] == "false"
    pooled = render(merged(REALISTIC, config={"databaseTransactionPooling": True},
                           secrets={"databaseDirectUrl": "postgres://crm@postgres:5432/crm"}))
    assert pooled.get("ConfigMap", FULLNAME)["data"]["DATABASE_TRANSACTION_POOLING"] == "true"
    # Signup's session locks go to PostgreSQL itself, not the pooler (saas_core.advisory).
    secret = next(d for d in pooled.docs if d["kind"] == "Secret")
    assert secret["stringData"]["DATABASE_DIRECT_URL"] == "postgres://crm@postgres:5432/crm"
    # The migrate hook reads its own copy of the ConfigMap: the same setting.
    assert pooled.get("ConfigMap", f"{FULLNAME}-migrate")["data"]["DATABASE_TRANSACTION_POOLING"] == "true"
    # A change rolls the pods.
    before = default.deployment("web")["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    assert pooled.deployment("web")["spec"]["template"]["metadata"]["annotations"]["checksum/config"] != before


def test_transaction_pooling_without_a_direct_url_fails_to_render_naming_it():
    message = render_error(merged(REALISTIC, config={"databaseTransactionPooling": True}))
    assert "secrets.databaseDirectUrl (DATABASE_DIRECT_URL) is required with config.databaseTransactionPooling" \
        in message
    # Without pooling it stays optional; with an existing Secret, that Secret is the operator's to fill.
    assert "DATABASE_DIRECT_URL" not in render(REALISTIC).get("Secret", FULLNAME)["stringData"]
    render(merged(EXISTING_SECRET, config={"databaseTransactionPooling": True}))
