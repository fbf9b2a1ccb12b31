"""gunicorn settings for `make serve` (`gunicorn -c gunicorn.conf.py wsgi:app`).

Command-line options (--workers, --bind) override these. The grader's dictionaries are
loaded before the first request (in the master, see preload_app; post_fork makes sure), so
no employee's first typed answer waits for jieba, and each worker writes one JSON line per
request (logger `quizapp.request`) to stderr.
"""

from __future__ import annotations

import os

workers = int(os.environ.get("QUIZAPP_WORKERS", "4"))
# A request stuck longer than this is a bug: the worker is restarted.
timeout = 30
graceful_timeout = 30
keepalive = 5
# The app and the grader's dictionaries load once, in the master, before the workers fork:
# a worker restarted after a crash or a timeout serves at once instead of spending seconds
# of CPU loading jieba again, and the dictionaries' memory pages are shared. New code
# therefore needs a restart of gunicorn, not a HUP.
preload_app = True


def post_fork(server, worker) -> None:
    from quizapp.ops.requestlog import send_to_stderr
    from quizapp.ops.warm import warm_up

    send_to_stderr()
    warm_up()
