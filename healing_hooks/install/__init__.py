"""Putting the hook into Claude Code's settings files and taking it out again.

`scopes` says where each settings file lives, `entries` what we register and how to recognise it,
`settings` reads, merges and writes one file without disturbing the rest of it, `plugin` finds out
whether the healing-hooks plugin is enabled too (then every event would run the hook twice).
"""
