"""Trainers (培训师/主管): their trainees and how far each has got (blueprint `trainer` in
views.py; read models in service.py). Assignments, quizzes and mock exams join here."""
