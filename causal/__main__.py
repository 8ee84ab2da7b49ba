"""``python -m causal``: the ``causal`` command."""

import sys

from causal.cli import main

sys.exit(main())
