"""Scripts that build the project's shipped data files (run from the repository root)."""
