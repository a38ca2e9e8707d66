"""`python -m healing_hooks` runs the command line."""

import sys

from healing_hooks.cli import main

sys.exit(main())
