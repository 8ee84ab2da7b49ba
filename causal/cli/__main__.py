"""``python -m causal.cli``: the ``causal`` command."""

import sys

from causal.cli import main

sys.exit(main())
