"""People services: accounts, passwords, throttling, audit. No Flask request objects here."""
