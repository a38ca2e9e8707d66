"""healing-hooks: Claude Code hooks that read each Bash result, explain the error and heal it.

Kept empty of imports on purpose: the hook's hot path imports this package first.
"""

__version__ = "0.1.0"
