"""Deployment targets: one module per stack, composed from the iam_baseline library."""
