"""Warm workers: warm_up() loads jieba before the first answer; gunicorn calls it in each
worker, and the factory when asked to."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

from quizapp import create_app
from quizapp.ops import requestlog, warm
from tests.conftest import REPO

FRESH_PROCESS = """
from quizapp.grading import segment
from quizapp.ops.warm import warm_up
assert segment._tokenizer is None, "jieba loaded before warm_up"
warm_up()
assert segment._tokenizer is not None and segment._tokenizer.initialized
print("warm")
"""


def test_warm_up_initialises_jieba_in_a_fresh_process():
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", FRESH_PROCESS],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "warm"


def _gunicorn_config():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", REPO / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_warms_each_worker(monkeypatch):
    calls = []
    monkeypatch.setattr(warm, "warm_up", lambda: calls.append("warm"))
    monkeypatch.setattr(requestlog, "send_to_stderr", lambda: calls.append("log"))
    config = _gunicorn_config()
    assert config.workers >= 1
    # Loaded once before the fork, so a restarted worker does not load jieba again.
    assert config.preload_app is True
    config.post_fork(server=object(), worker=object())
    assert sorted(calls) == ["log", "warm"]


def test_the_factory_warms_up_only_when_asked(monkeypatch):
    calls = []
    monkeypatch.setattr(warm, "warm_up", lambda: calls.append("warm"))
    monkeypatch.delenv("QUIZAPP_WARM", raising=False)
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert calls == []
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "WARM_UP": True})
    assert calls == ["warm"]
    monkeypatch.setenv("QUIZAPP_WARM", "1")
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert calls == ["warm", "warm"]
