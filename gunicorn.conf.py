"""gunicorn settings for `make serve` (`gunicorn -c gunicorn.conf.py wsgi:app`).

Workers: the cores + 1 (`QUIZAPP_WORKERS`), 4 threads each (`QUIZAPP_THREADS`);
command-line options (--workers, --threads, --bind) override these. The grader's dictionaries are
loaded before the first request (in the master, see preload_app; post_fork makes sure), so
no employee's first typed answer waits for jieba, and each worker writes one JSON line per
request (logger `quizapp.request`) to stderr.
"""

from __future__ import annotations

import os


def _cores() -> int:
    """The CPUs this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# A few requests in flight per core, not dozens: a worker runs one thread of Python at a
# time and SQLite takes one writer at a time. With 200 people studying on 2 cores, 4
# workers × 8 threads cost more CPU per request than 3 × 4, let writes wait past the busy
# timeout (503) and had a higher answer p99 (docs/benchmarks.md, "How many
# workers and threads"). Threads still let a worker serve while one request waits for the
# write lock or a slow phone.
workers = int(os.environ.get("QUIZAPP_WORKERS", str(_cores() + 1)))
threads = int(os.environ.get("QUIZAPP_THREADS", "4"))
worker_class = "gthread"
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
