"""Scorers: how a brief, or many, compare with what a careful reader expected."""
