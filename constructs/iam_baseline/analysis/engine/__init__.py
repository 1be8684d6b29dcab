"""The two policy engines, one semantics (design.md, "Two engines, one semantics").

Modules: :mod:`.patterns` (wildcards and policy variables), :mod:`.conditions` (condition
operators), :mod:`.evaluator` (the concrete evaluator: AWS's policy evaluation logic for one
request). The symbolic encoder (z3) mirrors :func:`.evaluator.evaluate`.
"""
