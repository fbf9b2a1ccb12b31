"""People, for the staff who look after them (trainers and HR).

The blueprint `people` (views.py, forms.py): lists, details, new hires, edits, password
resets, exports. Trainers see the people in their scope (their trainees, their site, their
job role); HR sees and manages everyone but admins' access. Which pages each may open is in
policy.py; which person they may open is decided by service.person_for.

The services (no Flask request objects): accounts and scope (service.py), the staff's use
cases that each commit one transaction (manage.py), password rules (passwords.py), login
throttling (throttle.py), the audit log (audit.py), bulk onboarding (onboarding.py, whose
pages are the `hr` blueprint's).
"""
