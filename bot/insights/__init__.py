"""Insights for clinic operators: usage figures and the messages to improve
the content, read live from the tracker store and redacted (`make insights`,
and the page at /insights/ when INSIGHTS_TOKEN is set).

  collect.py  read the events table in batches, conversation by conversation
  figures.py  events -> per-conversation summary -> period totals (no database)
  redact.py   names, e-mail addresses, phone numbers, numbers, links removed
  report.py   the HTML page with PNG charts
  cli.py      python -m bot.insights --days 30
"""
