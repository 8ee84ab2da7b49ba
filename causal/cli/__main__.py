"""``python -m causal.cli``: the ``causal`` command."""

import sys

from causal.cli import main

if __name__ == "__main__":
    sys.exit(main())
