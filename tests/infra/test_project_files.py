"""Pulumi.yaml, Pulumi.prod.yaml and infra/requirements.txt: what `pulumi` reads before the program runs."""

import re
import tomllib

import yaml
from infra_harness import ROOT

from lightsail_guard.config import GuardConfig, TargetSpec, load_config
from lightsail_guard_infra.settings import DeploySettings, load_deploy_settings


def project() -> dict:
    return yaml.safe_load((ROOT / "Pulumi.yaml").read_text())


def example_stack() -> dict:
    return yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())["config"]


def test_project_is_lightsail_guard_in_python_with_its_virtualenv():
    runtime = project()["runtime"]
    assert project()["name"] == "lightsail-guard"
    assert runtime["name"] == "python"
    # Relative virtualenv paths are resolved against the project root (the folder of Pulumi.yaml)
    assert runtime["options"]["virtualenv"] == ".venv"
    assert runtime["options"]["toolchain"] == "pip"
    assert set(project()) <= {"name", "runtime", "description", "main"}


def test_the_program_is_in_infra():
    assert project()["main"] == "infra/"
    assert (ROOT / "infra" / "__main__.py").is_file()


def test_the_example_guard_configuration_is_valid():
    config = load_config(example_stack()["lightsail-guard:guard"], source="Pulumi.prod.yaml")
    assert config.member_role_mode == "stackset"


def test_the_example_deploy_settings_are_valid():
    settings = load_deploy_settings(example_stack()["lightsail-guard:deploy"], source="Pulumi.prod.yaml")
    assert settings.stackset_call_as == "SELF"


def test_the_example_shows_every_setting():
    # A setting missing from the example is a setting nobody finds
    guard = example_stack()["lightsail-guard:guard"]
    assert {f.alias for f in GuardConfig.model_fields.values()} - set(guard) == set()
    shown_in_targets = {key for target in guard["targets"] for key in target}
    assert {f.alias for f in TargetSpec.model_fields.values()} - shown_in_targets == set()
    deploy_text = (ROOT / "Pulumi.prod.yaml").read_text().split("lightsail-guard:deploy:")[1]
    assert [f.alias for f in DeploySettings.model_fields.values() if f.alias not in deploy_text] == []


def test_the_example_holds_no_secret_in_clear_text():
    assert "lightsail-guard:telegramBotToken" not in example_stack()


def test_the_example_sets_the_hub_region():
    assert re.fullmatch(r"[a-z]{2}-[a-z]+-\d", example_stack()["aws:region"])


def test_infra_requirements_match_the_infra_extra_of_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    expected = set(pyproject["optional-dependencies"]["infra"])
    expected |= {d for d in pyproject["dependencies"] if d.startswith("pydantic")}
    lines = (ROOT / "infra" / "requirements.txt").read_text().splitlines()
    assert {line.strip() for line in lines if line.strip() and not line.startswith("#")} == expected
