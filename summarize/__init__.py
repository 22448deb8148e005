"""summarize: structured, source-grounded incident briefs from security-incident news."""
