"""The base of every config model (:class:`StrictModel`) and the rule that IAM names are unique.

It imports only the shared field types (:mod:`.types`), so every model module can build on it
without an import cycle.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .types import ItemError

__all__ = ["StrictModel", "refuse_duplicate_names"]


class StrictModel(BaseModel):
    """Base of every config model: frozen, unknown keys refused, values not coerced."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


def refuse_duplicate_names(model: BaseModel, section: str, keys: tuple[str, ...], kind: str) -> None:
    """Raise when two of ``keys`` of ``model`` share a ``name``.

    IAM names are unique per account and "not distinguished by case" (IAM User Guide, "IAM
    identifiers"), so ``Admins`` and ``admins`` are the same name.
    """
    seen: dict[str, str] = {}
    for key in keys:
        name = getattr(model, key).name
        if name.casefold() in seen:
            raise ItemError(
                (key, "name"),
                f"duplicate {kind} name {name!r} ({section}.{seen[name.casefold()]} and {section}.{key}); "
                f"IAM {kind} names must be unique in an account, ignoring case"
            )
        seen[name.casefold()] = key
