"""`python -m bot.insights`: see bot/insights/cli.py."""

import sys

from bot.insights.cli import main

sys.exit(main())
