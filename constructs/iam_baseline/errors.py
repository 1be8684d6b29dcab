"""The base of every error the library raises for input it refuses at synth time.

``app.py`` prints these as one clear message and exits non-zero, without a traceback and
before any template is written. Config-file problems have their own
:class:`iam_baseline.config.ConfigError`, which lists every problem with its YAML path.
"""


class BaselineError(ValueError):
    """Input that the baseline refuses: the message says what, where, and what is allowed."""
