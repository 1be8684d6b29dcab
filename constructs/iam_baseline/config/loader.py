"""Load a YAML config file into a validated :class:`BaselineConfig`, or explain why not.

The one loading path of every config-borne file: the config is read with the bounds of
:mod:`iam_baseline.config.files` (a regular file, at most 4 MiB, UTF-8), parsed by
:mod:`iam_baseline.config.yaml_source` (YAML 1.2 scalars, bounded, duplicate and non-text
keys refused), then validated; files the config names are read relative to the config's
folder and only inside it. Every problem is reported at once, each with its YAML path, its
line and column, the value found and what is allowed, so that a bad config is fixed in one
edit and refused before any construct is built (nothing is synthesized, no template is
written).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .files import DEFAULT_CONFIG, ConfigFileError, FileKind, config_folder, read_bounded
from .models import BaselineConfig
from .problems import ConfigError, ConfigProblem, describe, problems_from_validation_error
from .yaml_source import YamlProblem, parse_document

__all__ = ["ConfigError", "ConfigProblem", "load_config", "parse_config", "with_section_defaults"]


def with_section_defaults(model: type[BaseModel], data: Any) -> Any:
    """``data`` with every section given in part completed from the section's default.

    ``roles.admin: {max_session_duration_seconds: 7200}`` keeps the default role name
    ``Admin``: a key left out takes its secure default at any depth, as the config promises,
    instead of making the whole section's required keys missing. Applied to the YAML data
    before validation (JSON types), recursively.
    """
    if not isinstance(data, dict):
        return data
    merged = dict(data)
    for name, field in model.model_fields.items():
        given = data.get(name)
        if not isinstance(given, dict):
            continue
        default = field.default
        if isinstance(default, BaseModel):
            given = {**default.model_dump(mode="json"), **given}
        nested = next(
            (a for a in (field.annotation, *getattr(field.annotation, "__args__", ())) if isinstance(a, type) and issubclass(a, BaseModel)),
            None,
        )
        merged[name] = with_section_defaults(nested, given) if nested else given
    return merged


def parse_config(text: str, source: str = "<string>", *, folder: str | Path | None = None) -> BaselineConfig:
    """Parse and validate YAML ``text``; raise :class:`ConfigError` listing every problem.

    ``folder`` is where files named by the config (SAML metadata) are looked up and must
    stay: the config file's folder (:func:`load_config` passes it). Without it (text that
    comes from code, not from a file), relative names start from the working directory and
    are not confined; every file is still read within the bounds of
    :mod:`iam_baseline.config.files`.

    Raises:
        ConfigError: malformed YAML (in plain words, with line and column), an empty
            document, a top level that is not a mapping, or any field that fails validation.
    """
    try:
        document = parse_document(text)
    except YamlProblem as exc:
        path = ".".join(str(p) for p in exc.path)
        raise ConfigError(source, [ConfigProblem(path, exc.line, "", exc.message, exc.column)]) from None
    data = document.data
    if data is None:
        raise ConfigError(source, [ConfigProblem("", None, "", f"the file is empty; see {DEFAULT_CONFIG}")])
    if not isinstance(data, dict):
        raise ConfigError(
            source, [ConfigProblem("", 1, describe(data), "the top level must be a mapping of keys to values", 1)]
        )
    # Round-trip through JSON so strict validation sees JSON types (arrays for tuples); the
    # YAML reader has bounded the expanded size, so this cannot blow up.
    completed = with_section_defaults(BaselineConfig, data)
    as_json = json.dumps(completed)
    with config_folder(folder) if folder is not None else contextlib.nullcontext():
        try:
            return BaselineConfig.model_validate_json(as_json)
        except ValidationError as exc:
            raise ConfigError(source, problems_from_validation_error(exc, document, completed)) from None


def load_config(path: str | Path) -> BaselineConfig:
    """Read the YAML file at ``path`` and return the validated, immutable config.

    Files the config names are resolved against the config file's folder and must lie in it.

    Raises:
        ConfigError: the file is missing, unreadable, not a regular file, over 4 MiB or not
            UTF-8, or its content is invalid.
    """
    path = Path(path)
    try:
        text = read_bounded(path, FileKind.CONFIG)
    except ConfigFileError as exc:
        raise ConfigError(str(path), [ConfigProblem("", exc.line, "", exc.reason, exc.column)]) from None
    return parse_config(text, str(path), folder=path.resolve().parent)
