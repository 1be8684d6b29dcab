"""Checks over the model: access-matrix rows, escalation paths, policy lint."""
