"""Baseline configuration: typed models, the YAML loader and its error reporting.

This package imports neither aws_cdk nor the constructs: a bad config is refused before
jsii starts.
"""

from .loader import load_config, parse_config
from .problems import ConfigError, ConfigProblem
from .models import (
    BaselineConfig,
    GroupConfig,
    GroupsConfig,
    RoleConfig,
    RolesConfig,
    UserConfig,
)
from .sign_in import MfaConfig, PasswordPolicyConfig

__all__ = [
    "BaselineConfig",
    "ConfigError",
    "ConfigProblem",
    "GroupConfig",
    "GroupsConfig",
    "MfaConfig",
    "PasswordPolicyConfig",
    "RoleConfig",
    "RolesConfig",
    "UserConfig",
    "load_config",
    "parse_config",
]
