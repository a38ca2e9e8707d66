"""`healing-hooks report`: what happened in a project, from its memory files.

`records` reads the memory files into plain values, `heal` follows each failing command to
the run that healed it, `summary` computes every figure the report shows, and `text` / `page`
render them for a terminal and as one self-contained HTML file (`charts` draws its inline SVG).
Every figure comes with a sentence saying what it counts.
"""
