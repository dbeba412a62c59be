"""`python -m ctg_workshop`: see ctg_workshop.cli."""

import sys

from ctg_workshop.cli import main

sys.exit(main())
