"""`python -m ctg_workshop`: see ctg_workshop.cli.main."""

import sys

from ctg_workshop.cli.main import main

sys.exit(main())
