"""``python -m heatkit``: the ``heatkit`` command (see :mod:`heatkit.cli`)."""

import sys

from .cli import main

sys.exit(main())
