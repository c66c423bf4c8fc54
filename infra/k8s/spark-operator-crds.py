"""Writes CustomResourceDefinitions for kubeflow spark-operator's kinds, for validation only.

The operator's Go module (which carries its CRD yamls) is not served by the registries these
machines reach; its published Python API models are (PyPI `kubeflow-spark-api`, generated from the
operator's OpenAPI spec). This turns each kind's model into a structural openAPIV3Schema (every
$ref inlined, optional fields nullable, Quantity and IntOrString as int-or-string) so a real API
server can dry-run the examples in k8s/examples/spark-operator against the operator's own field
names and types. The result rejects unknown fields like the operator's CRDs do; it is not meant to
replace them on a cluster that runs the operator.

    python spark-operator-crds.py <out-dir>
"""

import json
import sys
from pathlib import Path

from kubeflow_spark_api import models

GROUP = "sparkoperator.k8s.io"
KINDS = [
    ("v1beta2", "SparkApplication", models.SparkV1beta2SparkApplication),
    ("v1beta2", "ScheduledSparkApplication", models.SparkV1beta2ScheduledSparkApplication),
    ("v1alpha1", "SparkConnect", models.SparkV1alpha1SparkConnect),
]
INT_OR_STRING = {
    "IoK8sApimachineryPkgApiResourceQuantity",
    "IoK8sApimachineryPkgUtilIntstrIntOrString",
}
# Descriptions are dropped: with them a CRD passes 1.5 MB, etcd's default request limit.
KEEP = {"type", "properties", "required", "items", "additionalProperties", "format"}
FORMATS = {"int32", "int64", "float", "double", "byte", "date", "date-time", "password"}


def structural(node: dict, defs: dict, depth: int = 0) -> dict:
    """A pydantic JSON Schema node as a Kubernetes structural schema node."""
    if depth > 40:
        raise ValueError("schema nesting deeper than 40: a recursive type needs preserve-unknown-fields")
    ref = node.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[1]
        if name in INT_OR_STRING:
            out = {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]}
        else:
            out = structural(defs[name], defs, depth + 1)
        return out
    variants = node.get("anyOf")
    if variants:
        real = [v for v in variants if v.get("type") != "null"]
        if len(real) != 1:
            raise ValueError(f"cannot express anyOf {variants} structurally")
        out = structural({**node, **real[0], "anyOf": None}, defs, depth)
        if len(real) < len(variants):
            out["nullable"] = True
        return out
    out = {}
    for key, value in node.items():
        if key not in KEEP or value is None:
            continue
        if key == "properties":
            out[key] = {k: structural(v, defs, depth + 1) for k, v in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = structural(value, defs, depth + 1) if value else {}
        elif key == "format":
            if value in FORMATS:
                out[key] = value
        else:
            out[key] = value
    if "type" not in out:
        if "properties" in out:
            out["type"] = "object"
        else:  # Any: the operator's schema leaves it open as well.
            out["x-kubernetes-preserve-unknown-fields"] = True
    if out.get("type") == "object" and "additionalProperties" in out and not out["additionalProperties"]:
        del out["additionalProperties"]
        out["x-kubernetes-preserve-unknown-fields"] = True
    return out


def crd(version: str, kind: str, model) -> dict:
    schema = model.model_json_schema(by_alias=True)
    root = structural(schema, schema.get("$defs", {}))
    # The API server owns metadata's schema; a CRD may not constrain it beyond name/generateName.
    root["properties"]["metadata"] = {"type": "object"}
    root.pop("nullable", None)
    plural = kind.lower() + "s"
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": f"{plural}.{GROUP}",
            # *.k8s.io groups are protected; "unapproved…" is the accepted value for such copies.
            "annotations": {"api-approved.kubernetes.io": "unapproved, validation-only schema from kindling"},
        },
        "spec": {
            "group": GROUP,
            "names": {"kind": kind, "listKind": f"{kind}List", "plural": plural, "singular": kind.lower()},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": version,
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": root},
                    "subresources": {"status": {}},
                }
            ],
        },
    }


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for version, kind, model in KINDS:
        path = out / f"{kind.lower()}.json"
        path.write_text(json.dumps(crd(version, kind, model), indent=1))
        print(f"{path.name}: {kind} {GROUP}/{version}")


if __name__ == "__main__":
    main()
