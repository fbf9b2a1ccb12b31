"""Administration: access roles, job roles and sites, the audit log, login locks (blueprint
`admin` in views.py)."""
