"""The stack's configuration as Pulumi holds it, validated into the typed models.

``lightsail-guard:guard``   the guard itself (GuardConfig; the same JSON the Lambdas receive)
``lightsail-guard:deploy``  deploy-only settings (DeploySettings; optional)
``lightsail-guard:telegramBotToken``  secret; only with telegramChatIds
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi

from lightsail_guard.config import ConfigError, GuardConfig, load_config

from .settings import DeploySettings, load_deploy_settings

NAMESPACE = "lightsail-guard"
GUARD_KEY = "guard"
DEPLOY_KEY = "deploy"
TELEGRAM_TOKEN_KEY = "telegramBotToken"


@dataclass(frozen=True)
class StackInputs:
    guard: GuardConfig
    deploy: DeploySettings
    telegram_bot_token: pulumi.Output[str] | None


def _object(config: pulumi.Config, key: str, *, required: bool) -> object:
    source = f"pulumi config {NAMESPACE}:{key}"
    try:
        return config.require_object(key) if required else config.get_object(key)
    except pulumi.ConfigMissingError:
        raise ConfigError(
            source, ["(missing): required; see Pulumi.prod.yaml for a complete, commented example"]
        ) from None
    except (pulumi.ConfigTypeError, json.JSONDecodeError) as exc:
        raise ConfigError(source, [f"(top level): not a structured (YAML/JSON) value: {exc}"]) from None


def read_stack_inputs(config: pulumi.Config | None = None) -> StackInputs:
    config = config or pulumi.Config(NAMESPACE)
    guard = load_config(
        _object(config, GUARD_KEY, required=True), source=f"pulumi config {NAMESPACE}:{GUARD_KEY}"
    )
    deploy = load_deploy_settings(
        _object(config, DEPLOY_KEY, required=False), source=f"pulumi config {NAMESPACE}:{DEPLOY_KEY}"
    )
    return StackInputs(guard=guard, deploy=deploy, telegram_bot_token=config.get_secret(TELEGRAM_TOKEN_KEY))
