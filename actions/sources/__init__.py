"""Where an FAQ answer comes from: its sources and review date, in plain words."""
