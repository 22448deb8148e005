"""Evaluation: gold cases, per-field scoring of briefs, and the MUC-4 benchmark.

Library code, so a test suite or a notebook can score briefs without the CLI.
"""
