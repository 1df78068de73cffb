"""One typed configuration model, shared by the Lambdas, the Pulumi program and the local runner."""

from .model import ConfigError, GuardConfig, TargetSpec, load_config

__all__ = ["ConfigError", "GuardConfig", "TargetSpec", "load_config"]
