"""HR's pages (blueprint `hr` in views.py): bulk onboarding of new hires from a roster
file — upload and preview, confirm, download the hand-out list of one-time passwords.

The work is done by quizapp.people.onboarding; the people pages stay in quizapp.people.
"""
