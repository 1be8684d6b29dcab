"""Helpers shared by the config sections whose entries refer to each other by name.

``ConfigKey`` is the key other entries use to name an entry (also a construct id part);
:func:`refuse_duplicates` and :func:`require_some` are the list rules every section states the
same way, so the messages read the same everywhere.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from .types import ItemError

#: A key that other entries of the config use to refer to this one (also a construct id part).
ConfigKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")]


def refuse_duplicates(what: str, values: list[str], why: str, field: str) -> None:
    """Refuse the second item of ``field`` whose name is already taken, at that item's name."""
    first: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in first:
            raise ItemError((field, index, "name"), f"duplicate {what} {value!r} (also {field}[{first[value]}]): {why}")
        first[value] = index


def require_some(field: str, values: tuple) -> None:
    """Refuse an empty list ``field`` of a section that is present (say so, or leave the section out)."""
    if not values:
        raise ValueError(f"{field} is empty: declare at least one, or leave the whole section out")
