"""Output formats: how briefs, daily briefs and eval reports are written for people and tools."""
