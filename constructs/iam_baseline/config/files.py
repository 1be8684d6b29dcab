"""The one way the config package reads a file: bounded, regular files only, UTF-8, confined.

A config names files (``federation.saml.providers[].metadata_file``); a careless or hostile
config could name ``/dev/zero`` (an endless stream), a FIFO (a read that never returns),
``../../home/me/.aws/credentials`` or a gigabyte log. Every read here:

* accepts regular files only (checked before opening, and again on the opened descriptor);
* reads at most the cap of its :class:`FileKind` (one byte more tells "too large");
* decodes UTF-8 strictly (a UTF-8 byte-order mark is accepted), and names the line and
  column of the first byte that is not UTF-8;
* for a file named *by a config*, resolves the name against the config file's folder
  (symbolic links followed) and refuses a result outside that folder, showing the resolved
  path, so that what the config may read is exactly what sits next to it.

The folder is set by the loader for the duration of a validation (:func:`config_folder`);
a model validated directly from Python without the loader resolves relative names against
the working directory and is not confined (its caller is code, not a config file), but is
still read with the bounds above.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from ..errors import BaselineError
from .types import non_ascii_note


class FileKind(enum.Enum):
    """What a file is, and the most bytes the baseline reads of it."""

    #: A baseline config (YAML). A 1,000-account organization is about 200 KB.
    CONFIG = 4 * 1024 * 1024
    #: SAML metadata XML. IAM ``CreateSAMLProvider``: ``SAMLMetadataDocument`` is at most
    #: 10,000,000 characters (up to 4 bytes each in UTF-8; real exports are a few KB).
    SAML_METADATA = 10_000_000
    #: A break-glass lock file (a few lines of JSON).
    LOCK = 64 * 1024
    #: A policy document a config names (a custom SCP): Organizations allows 5,120 characters
    #: per SCP ("Quotas for AWS Organizations"); the cap leaves room for indentation.
    POLICY_DOCUMENT = 64 * 1024

    @property
    def max_bytes(self) -> int:
        return self.value


class ConfigFileError(BaselineError):
    """A file cannot be used: ``path`` (as resolved) and ``reason`` (what to do) say why."""

    def __init__(self, path: str | Path, reason: str, line: int | None = None, column: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        self.column = column
        where = f" (line {line}, column {column})" if line else ""
        super().__init__(f"{self.path}{where}: {reason}")


#: The longest file name a config may give (characters): a real one is a few dozen; Linux
#: refuses paths over 4,096 bytes with an error that names no key.
#: The config a plain ``cdk synth`` (no ``-c config=...``) reads, relative to the repository: the
#: file users edit. The one place its path is written (app.py, the empty-file hint).
DEFAULT_CONFIG = "config/baseline.yaml"

MAX_NAME_CHARS = 1024

_FOLDER: contextvars.ContextVar[Path | None] = contextvars.ContextVar("iam_baseline_config_folder", default=None)


@contextlib.contextmanager
def config_folder(folder: str | Path) -> Iterator[Path]:
    """Within this block, files named by the config resolve against ``folder`` and stay in it."""
    resolved = Path(folder).resolve()
    token = _FOLDER.set(resolved)
    try:
        yield resolved
    finally:
        _FOLDER.reset(token)


def decode_utf8(data: bytes, path: str | Path) -> str:
    """``data`` as text; a UTF-8 byte-order mark is dropped.

    Raises:
        ConfigFileError: UTF-16/32 (a byte-order mark says so) or bytes that are not UTF-8,
            with the line and column of the first one.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigFileError(path, "the file is UTF-16: save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise ConfigFileError(
            path,
            f"byte 0x{data[exc.start]:02x} is not UTF-8 text: save the file as UTF-8 (an editor's "
            "'encoding' setting), or remove the character",
            line,
            column,
        ) from None


def read_bounded(path: str | Path, kind: FileKind) -> str:
    """The text of the regular file at ``path``, at most ``kind.max_bytes`` bytes, UTF-8.

    Raises:
        ConfigFileError: missing, unreadable, not a regular file, too large, or not UTF-8.
    """
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ConfigFileError(path, "not a regular file (a directory, device or pipe): name a file")
        # O_NONBLOCK: a FIFO swapped in after the check must not block the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ConfigFileError(path, "not a regular file (a directory, device or pipe): name a file")
            data = handle.read(kind.max_bytes + 1)
    except OSError as exc:
        raise ConfigFileError(path, f"cannot read the file ({exc.strerror or exc})") from None
    if len(data) > kind.max_bytes:
        raise ConfigFileError(
            path, f"larger than {kind.max_bytes:,} bytes, the most a {kind.name.lower().replace('_', ' ')} file may be"
        )
    return decode_utf8(data, path)


def resolve_referenced(name: str) -> Path:
    """The file a config names as ``name``: resolved against the config's folder, inside it.

    Raises:
        ConfigFileError: while a config is loaded, ``name`` resolves outside its folder.
    """
    folder = _FOLDER.get()
    base = folder or Path.cwd()
    if "\0" in name:  # the operating system refuses it; say so instead of "embedded null byte"
        raise ConfigFileError(base / name.replace("\0", "\\0"), "a file name cannot contain a NUL character (\\0)")
    if len(name) > MAX_NAME_CHARS:
        shown = name[:60] + f"... ({len(name):,} characters)"
        raise ConfigFileError(shown, f"a file name of at most {MAX_NAME_CHARS:,} characters, relative to the config's folder")
    try:
        resolved = (base / name).resolve()
    except (OSError, RuntimeError) as exc:  # a symbolic link loop, an unreadable folder on the way
        raise ConfigFileError(base / name, f"cannot resolve this path ({getattr(exc, 'strerror', None) or exc})") from None
    if folder is not None and not resolved.is_relative_to(folder):
        raise ConfigFileError(
            resolved,
            f"outside the config's folder {folder}: a config may only name files in its own folder or below "
            "(copy the file there and give its path relative to the config file)",
        )
    return resolved


def read_referenced(name: str, kind: FileKind) -> tuple[Path, str]:
    """Resolve ``name`` (see :func:`resolve_referenced`) and read it (see :func:`read_bounded`).

    A missing file's message says which folder relative names start from, the mistake the
    old working-directory rule invites (``config/saml/x.xml`` written in ``config/baseline.yaml``).
    """
    path = resolve_referenced(name)
    try:
        path.stat()
    except FileNotFoundError:
        if not Path(name).is_absolute():
            folder = _FOLDER.get() or Path.cwd()
            # A look-alike letter in the name reads like the file that exists: name it.
            raise ConfigFileError(
                path, f"no such file; a relative path starts from the config file's folder {folder}{non_ascii_note(name)}"
            ) from None
    except OSError as exc:  # a name part over 255 bytes, a file where a folder is expected
        raise ConfigFileError(path, f"cannot use this path ({exc.strerror or exc})") from None
    return path, read_bounded(path, kind)


class LockKind(enum.Enum):
    """The locks a config file has beside it, by the suffix of their file name."""

    NAMES = "names"  # every IAM identity's name (names_lock.py)
    BREAK_GLASS = "break-glass"  # the break-glass and Admin names (break_glass_lock.py)
    IDENTITY_STORE = "identity-store"  # the Identity Center users (identity_store_lock.py)
    STACKSETS = "stacksets"  # each member account's StackSet as deployed (stackset_moves.py)


def lock_path(config_path: str | Path, kind: LockKind) -> Path:
    """The ``kind`` lock of a config file: same folder and stem, suffix ``.<kind>.lock``
    (``config/prod.yaml`` -> ``config/prod.names.lock``)."""
    path = Path(config_path)
    return path.with_name(f"{path.stem}.{kind.value}.lock")


def read_lock_section(
    path: str | Path, section: str, what: str, error: type[BaselineError]
) -> dict | None:
    """The ``section`` mapping of the version-1 JSON lock file at ``path``; ``None`` when the
    file does not exist. Read with :func:`read_bounded` (:attr:`FileKind.LOCK`), like every
    file next to a config.

    Raises:
        error: unreadable, too large, not JSON, or not a version-1 ``what`` lock with ``section``.
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        data = json.loads(read_bounded(path, FileKind.LOCK))
    except ConfigFileError as exc:
        raise error(f"cannot read the {what} lock {exc}") from None
    except ValueError as exc:
        raise error(f"cannot read the {what} lock {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get(section), dict):
        raise error(f"{path} is not a version 1 {what} lock; restore it from git")
    return data[section]
