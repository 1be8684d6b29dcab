"""The one base of the errors the analysis raises (design.md, "One error family").

``make check`` prints an :class:`AnalysisError` as one message and fails the run; it never
shows a traceback for input it refuses.
"""


class AnalysisError(ValueError):
    """A policy, a question or an engine result that the analysis refuses to judge or trust."""
