"""Quizzes and mock exams (小测/模拟考试): templates (authoring), drawing papers (draw,
pure), sitting them with a server-side timer (taking), grading and the trainer's review
(reviewing), results and item analysis (results, stats pure, analysis); the staff's
`exams` blueprint (views.py). Employees sit exams in the `examroom` blueprint."""
