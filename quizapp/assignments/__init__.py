"""Assignments: banks, sections, tags or an exam given to a job role, a site or named
people, with a start and a due date (service.py), and how any audience is resolved
(audience.py, shared with exams)."""
