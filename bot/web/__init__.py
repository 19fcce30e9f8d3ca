"""The web dashboard: audit log, escalation queue, health charts, playground, rules and FAQ."""
