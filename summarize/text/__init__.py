"""Text helpers every stage shares: dates, countries, accent and case folding, sentences.

Nothing here knows about briefs, models or files; each module is a pure function of its text.
"""
