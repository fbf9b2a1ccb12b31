"""gunicorn settings for `make serve` (`gunicorn -c gunicorn.conf.py wsgi:app`).

Command-line options (--workers, --bind) override these. Each worker loads the grader's
dictionaries as it starts, so no employee's first typed answer waits for jieba, and writes
one JSON line per request (logger `quizapp.request`) to stderr.
"""

from __future__ import annotations

import os

workers = int(os.environ.get("QUIZAPP_WORKERS", "4"))
# A request stuck longer than this is a bug: the worker is restarted.
timeout = 30
graceful_timeout = 30
keepalive = 5


def post_fork(server, worker) -> None:
    from quizapp.ops.requestlog import send_to_stderr
    from quizapp.ops.warm import warm_up

    send_to_stderr()
    warm_up()
