"""`python -m ctg_workshop.loadtest --help`."""

import sys

from ctg_workshop.loadtest.cli import main

sys.exit(main())
