"""Runs INSIDE the clean Lambda-like environment (``python -I -S``): see test_handlers_clean_environment.py.

Standard library only until ``sys.path`` holds the environment directory. Usage::

    python -I -S clean_lambda_probe.py <environment dir> <request.json> <answer.json>

The request says what to do; the answer is one JSON document (stdout is left to the handlers' logs).
"""

import importlib
import importlib.util
import json
import os
import sys
import sysconfig
import traceback


class LambdaContext:
    """The attributes of Lambda's context object the handlers and Powertools read."""

    def __init__(self, name):
        self.function_name = name
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        self.memory_limit_in_mb = 256
        self.aws_request_id = "00000000-0000-4000-8000-000000000000"
        self.function_version = "$LATEST"
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "probe"

    def get_remaining_time_in_millis(self):
        return 60_000


def handler_of(path):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def invoke(path, event):
    """Call a handler as Lambda does; an exception becomes Lambda's error shape (plus pydantic's fields)."""
    try:
        return {"result": handler_of(path)(event, LambdaContext(path.split(".")[-2]))}
    except Exception as exc:
        answer = {
            "errorType": type(exc).__name__,
            "errorModule": type(exc).__module__,
            "errorMessage": str(exc),
        }
        errors = getattr(exc, "errors", None)
        if callable(errors):
            try:
                answer["fields"] = [".".join(str(p) for p in e["loc"]) for e in errors()]
            except Exception:
                answer["fields"] = None
        answer["trace"] = traceback.format_exc()[-2000:]
        return answer


def fill(template, results):
    """The event: ``"$Step.a.0"`` strings are replaced by that part of an earlier step's result."""
    if isinstance(template, dict):
        return {k: fill(v, results) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, results) for v in template]
    if isinstance(template, str) and template.startswith("$"):
        step, *parts = template[1:].split(".")
        value = results[step]["result"]
        for part in parts:
            value = value[int(part)] if isinstance(value, list) else value[part]
        return value
    return template


def outsiders(environment):
    """Modules loaded from anywhere but the standard library and the environment directory."""
    allowed = [os.path.realpath(environment)]
    for key in ("stdlib", "platstdlib"):
        allowed.append(os.path.realpath(sysconfig.get_paths()[key]))
    found = []
    for name, module in list(sys.modules.items()):
        location = getattr(module, "__file__", None)
        if not location or os.path.realpath(location) == os.path.realpath(__file__):  # the probe itself
            continue
        real = os.path.realpath(location)
        if not any(real == root or real.startswith(root + os.sep) for root in allowed):
            found.append(f"{name}: {real}")
    return sorted(found)


def importable(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def main():
    environment, request_path, answer_path = sys.argv[1:4]
    sys.path.append(environment)
    with open(request_path) as handle:
        request = json.load(handle)
    answer = {
        "sysPath": list(sys.path),
        "flags": {"isolated": sys.flags.isolated, "no_site": sys.flags.no_site},
    }
    answer["siteLoaded"] = "site" in sys.modules

    imported = {}
    for path in request.get("handlers", []):
        module = path.rpartition(".")[0]
        try:
            importlib.import_module(module)
            imported[module] = None
        except Exception as exc:
            imported[module] = f"{type(exc).__name__}: {exc}"
    answer["imports"] = imported
    answer["forbiddenLoaded"] = sorted(n for n in request.get("forbidden", []) if n in sys.modules)

    answer["invocations"] = {}
    for step in request.get("invoke", []):
        try:
            event = fill(step["event"], answer["invocations"])
        except (KeyError, IndexError, TypeError) as exc:
            answer["invocations"][step["name"]] = {
                "errorType": "NotRun",
                "errorMessage": f"no input: {exc!r}",
            }
            continue
        answer["invocations"][step["name"]] = invoke(step["handler"], event)

    answer["walk"] = {}
    for module in request.get("walk", []):
        try:
            importlib.import_module(module)
            answer["walk"][module] = None
        except Exception as exc:
            answer["walk"][module] = f"{type(exc).__name__}: {exc}"
    answer["missingImports"] = sorted(n for n in request.get("findable", []) if not importable(n))
    answer["forbiddenImportable"] = sorted(n for n in request.get("forbidden", []) if importable(n))
    answer["forbiddenLoadedAtEnd"] = sorted(n for n in request.get("forbidden", []) if n in sys.modules)
    answer["outsiders"] = outsiders(environment)
    with open(answer_path, "w") as handle:
        json.dump(answer, handle, default=str)


if __name__ == "__main__":
    main()
