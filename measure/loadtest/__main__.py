"""`python -m measure.loadtest --help`."""

import sys

from measure.loadtest.cli import main

sys.exit(main())
