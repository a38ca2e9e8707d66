"""The project's memory under `.claude-flow/memory/`: the only code that writes memory files."""
