"""bench/load.py's set-up: a throw-away database (SQLite file or PostgreSQL), the banks,
N employees and an exam, and gunicorn on a free loopback port."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PASSWORD = "load-test-password-9"
SECRET = "load-test-secret"
ROLE = "压力测试岗"
EXAM_TITLE = "压力测试小测"
EXAM_ITEMS = 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# -- databases ------------------------------------------------------------------------


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    return found[-1].parent


def _as_postgres(command: str) -> None:
    prefix = ["su", "postgres", "-s", "/bin/sh", "-c"] if os.getuid() == 0 else ["sh", "-c"]
    subprocess.run([*prefix, command], check=True, capture_output=True, text=True)


@contextmanager
def postgres_server():
    """A throw-away PostgreSQL cluster on a free loopback port (as .ci/run starts one);
    yields its URL without a database name. Stopped and removed afterwards."""
    pg_bin = _pg_bin()
    data = Path(tempfile.mkdtemp(prefix="quizapp-load-pg."))
    port = free_port()
    if os.getuid() == 0:
        shutil.chown(data, "postgres")
    _as_postgres(f"'{pg_bin}/initdb' -D '{data}' -A trust -U postgres -E UTF8 --locale=C.UTF-8")
    options = f"-p {port} -k '{data}' -c listen_addresses={HOST} -c max_connections=200"
    _as_postgres(f"'{pg_bin}/pg_ctl' -D '{data}' -l '{data}/server.log' -w -o \"{options}\" start")
    try:
        yield f"postgresql+psycopg://postgres@{HOST}:{port}"
    finally:
        try:
            _as_postgres(f"'{pg_bin}/pg_ctl' -D '{data}' -m fast -w stop")
        finally:
            shutil.rmtree(data, ignore_errors=True)


@contextmanager
def postgres_database(server_url: str):
    """A new, empty database on `server_url`'s server (dropped afterwards); its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"quizapp_load_{uuid.uuid4().hex[:10]}"
    admin_url = make_url(server_url).set(database="postgres")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database(engine: str):
    """(URL, folder) of a fresh database for the run, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="quizapp-load."))
    try:
        if engine == "sqlite":
            yield f"sqlite:///{folder / 'load.sqlite3'}", folder
        elif os.environ.get("QUIZAPP_DATABASE_URL", "").startswith("postgresql"):
            with postgres_database(os.environ["QUIZAPP_DATABASE_URL"]) as url:
                yield url, folder
        else:
            with postgres_server() as server, postgres_database(server) as url:
                yield url, folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def app_env(url: str, busy_ms: int) -> dict[str, str]:
    return {
        **os.environ,
        "QUIZAPP_DATABASE_URL": url,
        "QUIZAPP_SECRET_KEY": SECRET,
        "QUIZAPP_SQLITE_BUSY_TIMEOUT_MS": str(busy_ms),
        "QUIZAPP_POSTGRES_LOCK_TIMEOUT_MS": str(busy_ms),
    }


def _quizapp(*args: str, env: dict[str, str]) -> None:
    command = [str(Path(sys.executable).parent / "quizapp"), *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"quizapp {' '.join(args[:2])} failed:\n{done.stderr[-2000:]}")


def populate(url: str, employees: int, exam_takers: int) -> dict:
    """Migrate, import question_bank/*.md with the CLI, then with the app's services: a
    job role learning every bank's sections (no daily cap on new cards), employees
    L0001 … with a go-live date in two weeks, an admin, and a one-minute exam (one attempt,
    EXAM_ITEMS items from every bank) for the role. What the run needs to know."""
    env = app_env(url, 10_000)
    _quizapp("db", "upgrade", env=env)
    _quizapp(
        "bank", "import", *sorted(str(p) for p in (ROOT / "question_bank").glob("*.md")), env=env
    )

    from sqlalchemy import func, select

    from quizapp import create_app
    from quizapp.exams.authoring import ExamSpec, Quota, create_exam
    from quizapp.extensions import db
    from quizapp.models import Bank, Item, JobRole, Section, SectionRole
    from quizapp.models.types import utcnow
    from quizapp.people.service import NewPerson, create_person

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        now = utcnow()
        role = JobRole(name=ROLE, daily_new_cap=100_000, created_at=now)
        db.session.add(role)
        db.session.flush()
        sections = db.session.scalars(
            select(Section.id)
            .where(Section.retired_at.is_(None))
            .order_by(Section.bank_id, Section.position)
        ).all()
        for position, section_id in enumerate(sections):
            db.session.add(
                SectionRole(section_id=section_id, job_role_id=role.id, position=position)
            )
        types = dict(
            db.session.execute(
                select(Item.type, func.count())
                .where(Item.retired_at.is_(None), Item.section_id.in_(sections))
                .group_by(Item.type)
            ).all()
        )
        admin, _secret = create_person(
            db.session,
            NewPerson(employee_no="LADMIN", name="压测管理员", roles=frozenset({"admin"})),
            None,
            now,
            password=PASSWORD,
        )
        admin.must_change_password = False
        shared_hash = admin.password_hash  # one scrypt for everyone: set-up stays quick
        numbers = [f"L{n:04d}" for n in range(1, employees + 1)]
        for number in numbers:
            person, _secret = create_person(
                db.session,
                NewPerson(employee_no=number, name=f"压测{number}", job_role=ROLE),
                None,
                now,
            )
            person.set_password_hash(shared_hash, one_time=False)
            person.must_change_password = False
            person.go_live_date = now.date() + timedelta(days=14)
        db.session.commit()
        bank_ids = tuple(db.session.scalars(select(Bank.id)))
        exam = create_exam(
            db.session,
            admin,
            ExamSpec(
                title=EXAM_TITLE,
                kind="quiz",
                bank_ids=bank_ids,
                quotas=(Quota(None, None, EXAM_ITEMS),),
                time_limit_minutes=1,
                attempts_allowed=1,
                opens_at=now - timedelta(minutes=1),
                closes_at=now + timedelta(days=1),
                audience="role",
                job_role_id=role.id,
            ),
            now,
        )
        db.session.commit()
        info = {
            "numbers": numbers,
            "exam_id": exam.id,
            "exam_seconds": exam.time_limit_s,
            "exam_takers": numbers[:exam_takers],
            "item_types": types,
            "items": sum(types.values()),
        }
        db.session.remove()
        db.engine.dispose()
    return info


# -- gunicorn ---------------------------------------------------------------------------


def gunicorn_defaults(workers: int | None, threads: int | None) -> tuple[int, int]:
    """The workers and threads `make serve` runs with (gunicorn.conf.py, which reads
    QUIZAPP_WORKERS and QUIZAPP_THREADS), where the caller did not choose them. A checkout
    whose gunicorn.conf.py sets neither ran 4 × 8 here."""
    if workers is not None and threads is not None:
        return workers, threads
    conf = ROOT / "gunicorn.conf.py"
    settings: dict = {}
    if conf.exists():
        spec = importlib.util.spec_from_file_location("gunicorn_conf", conf)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        settings = vars(module)
    return (
        workers if workers is not None else int(settings.get("workers", 4)),
        threads if threads is not None else int(settings.get("threads", 8)),
    )


def start_gunicorn(env: dict[str, str], port: int, workers: int, threads: int, log: Path):
    """`gunicorn -c gunicorn.conf.py wsgi:app` (as `make serve`) with gthread workers;
    returns the master process once the app answers."""
    command = [sys.executable, "-m", "gunicorn"]
    if (ROOT / "gunicorn.conf.py").exists():
        command += ["-c", str(ROOT / "gunicorn.conf.py")]
    command += [
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        "30",
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "wsgi:app",
    ]
    out = log.open("wb")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    import http.client

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/login")
            status = connection.getresponse().status
            connection.close()
            if status == 200 and len(worker_pids(server.pid)) >= workers:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop(server)
    raise SystemExit("gunicorn did not answer within 120 s")


def worker_pids(master: int) -> list[int]:
    """The master's children: its workers (gunicorn forks nothing else)."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def gunicorn_cpu(master: int) -> float:
    """CPU seconds the master and its live workers have used so far (a killed worker's
    are lost: only meaningful in a run without kills)."""
    total = 0
    for pid in [master, *worker_pids(master)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
