"""Derived invariants: the baseline's promises as for-all statements over requests, derived
from the config, each decided as Proven, Counterexample or NotProven (never a pass).

One module per family (cdk-nag style); :data:`.catalog.INVARIANTS` lists them in order.
"""
