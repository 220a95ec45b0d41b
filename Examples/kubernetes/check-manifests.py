#!/usr/bin/env python3
"""Offline schema check of the manifests in this folder: no cluster needed.

    python3 -m venv /tmp/k8s && /tmp/k8s/bin/pip install kubernetes pyyaml
    /tmp/k8s/bin/python Examples/kubernetes/check-manifests.py Examples/kubernetes/*.yaml

Walks every document through the models of the `kubernetes` Python client (the Kubernetes API types, generated
from its OpenAPI description): an unknown field, a value of the wrong type or a missing required field is an
error. Exit 0 when every document passes, 1 otherwise.
"""
import re
import sys

import kubernetes
import kubernetes.client.models as models
import yaml

PRIMITIVES = {"str": str, "int": int, "bool": bool, "float": (int, float), "object": object}
KINDS = {("batch/v1", "Job"): "V1Job", ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim"}


def required_fields(cls):
    """The fields the API requires (the client's models are pydantic models)."""
    return [cls.attribute_map[name] for name, field in cls.model_fields.items() if field.is_required()]


def check(value, type_name, path, errors):
    if type_name in PRIMITIVES:
        if isinstance(value, bool) and type_name != "bool" or not isinstance(value, PRIMITIVES[type_name]):
            errors.append(f"{path}: expected {type_name}, got {value!r}")
        return
    if m := re.fullmatch(r"[lL]ist\[(.*)\]", type_name):
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list")
            return
        for index, item in enumerate(value):
            check(item, m.group(1), f"{path}[{index}]", errors)
        return
    if m := re.fullmatch(r"dict\(str, (.*)\)|Dict\[str, (.*)\]", type_name):
        if not isinstance(value, dict):
            errors.append(f"{path}: expected a map")
            return
        for key, item in value.items():
            check(item, m.group(1) or m.group(2), f"{path}.{key}", errors)
        return
    cls = getattr(models, type_name)
    if not isinstance(value, dict):
        errors.append(f"{path}: expected a {type_name} object")
        return
    attributes = {key: attribute for attribute, key in cls.attribute_map.items()}
    for key, item in value.items():
        if key not in attributes:
            errors.append(f"{path}.{key}: not a field of {type_name}")
        else:
            check(item, cls.openapi_types[attributes[key]], f"{path}.{key}", errors)
    for key in required_fields(cls):
        if key not in value:
            errors.append(f"{path}: {type_name} needs {key}")


def main():
    failed = 0
    for path in sys.argv[1:]:
        with open(path) as file:
            for document in yaml.safe_load_all(file):
                errors = []
                kind = KINDS.get((document.get("apiVersion"), document.get("kind")))
                name = f"{path}: {document.get('kind')} {document.get('metadata', {}).get('name')}"
                if kind is None:
                    errors.append("not a Job or PersistentVolumeClaim of batch/v1 or v1")
                else:
                    check(document, kind, name, errors)
                print(f"{name}: {'ok' if not errors else 'failed'}")
                for error in errors:
                    print(f"  {error}")
                failed += bool(errors)
    print(f"kubernetes client {kubernetes.__version__}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
