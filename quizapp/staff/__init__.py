"""People pages for trainers and HR: lists, details, new hires, roster import.

Trainers see the people in their scope (their trainees, their site, their job role); HR
sees and manages everyone but admins' access. Which pages each may open is in policy.py;
which person they may open is decided by people.service.person_for.
"""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")

from . import views  # noqa: E402,F401  (registers the routes on bp)
