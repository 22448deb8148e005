"""Scorers: how briefs compare with what a careful reader expected (see ``base``).

``fields`` compares each brief with its gold case field by field (the eval report's
backbone); ``judge`` asks a model whether the article supports each sentence; ``muc4``
applies the official 1992 rules to a MUC-4 test set; ``linking`` scores the daily brief's
linking of reports across articles.
"""
