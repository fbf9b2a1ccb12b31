"""Where an employee sits a quiz or mock exam (blueprint `examroom`, /exam): the list of
exams open to them, the paper with its countdown, the summary and the result."""
