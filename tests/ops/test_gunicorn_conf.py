"""gunicorn.conf.py: what `make serve` runs with, and how an admin changes it."""

from __future__ import annotations

import os

from tests.conftest import REPO, gunicorn_config


def test_a_few_threaded_workers_per_core_by_default(monkeypatch):
    monkeypatch.delenv("QUIZAPP_WORKERS", raising=False)
    monkeypatch.delenv("QUIZAPP_THREADS", raising=False)
    config = gunicorn_config()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert config.workers == cores + 1
    assert config.threads == 4
    # Threads only take effect with the gthread worker (the default "sync" ignores them).
    assert config.worker_class == "gthread"


def test_the_environment_sets_workers_and_threads(monkeypatch):
    monkeypatch.setenv("QUIZAPP_WORKERS", "6")
    monkeypatch.setenv("QUIZAPP_THREADS", "2")
    config = gunicorn_config()
    assert (config.workers, config.threads) == (6, 2)


def test_make_serve_leaves_the_worker_count_to_the_config():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    [serve] = [line for line in makefile.splitlines() if "gunicorn -c gunicorn.conf.py" in line]
    assert "--workers" not in serve and "--threads" not in serve
