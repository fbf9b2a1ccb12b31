"""Browse the imported banks (blueprint `catalog` in views.py): the staff's home page."""
