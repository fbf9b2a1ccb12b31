"""HR's bulk-onboarding pages at /hr/import: who may open them, where they link, and what a
confirmation does when it cannot be carried out. (The happy path of the upload, preview,
confirm and hand-out is in tests/test_people.py.)"""

from __future__ import annotations

import io
import re
import time

import pytest
from flask import url_for
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from quizapp.extensions import db
from quizapp.models import JobRole
from tests.conftest import database_snapshot
from tests.factories import csrf_token, login, make_person

ROSTER = "工号,姓名,岗位\nN001,王小明,客服前台\nN002,李小红,客服前台\n"


@pytest.fixture
def hr(app):
    db.session.add(JobRole(name="客服前台"))
    db.session.commit()
    return make_person("H1", roles=("hr",))


class HourAgoSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 3601


def preview(client, body: str = ROSTER) -> str:
    token = csrf_token(client, "/hr/import")
    response = client.post(
        "/hr/import",
        data={"csrf_token": token, "file": (io.BytesIO(body.encode()), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def payload_of(page: str) -> str:
    return re.search(r'name="payload" type="hidden" value="([^"]+)"', page).group(1)


def test_the_endpoints_and_urls(app):
    with app.test_request_context():
        assert url_for("hr.import_roster") == "/hr/import"
        assert url_for("hr.confirm_import") == "/hr/import/confirm"
        assert url_for("hr.handout") == "/hr/import/handout"
    assert "people.import_roster" not in app.view_functions


def test_the_old_urls_are_gone(client, hr):
    login(client, "H1")
    assert client.get("/people/import").status_code == 404


@pytest.mark.parametrize("roles", [("employee",), ("trainer",)])
def test_only_hr_and_admins_may_import(client, hr, roles):
    make_person("X1", roles=roles)
    login(client, "X1")
    assert client.get("/hr/import").status_code == 403


def test_an_admin_may_import(client, hr):
    make_person("A1", roles=("admin",))
    login(client, "A1")
    assert client.get("/hr/import").status_code == 200


def test_the_people_list_links_to_the_import_page(client, hr):
    login(client, "H1")
    page = client.get("/people/").get_data(as_text=True)
    assert 'href="/hr/import"' in page


def test_the_preview_confirms_to_the_hr_blueprint(client, hr):
    login(client, "H1")
    page = preview(client)
    assert "预览：2 人，没有错误" in page
    assert 'action="/hr/import/confirm"' in page
    done = client.post(
        "/hr/import/confirm",
        data={"csrf_token": csrf_token(client, "/hr/import"), "payload": payload_of(page)},
    ).get_data(as_text=True)
    assert "已创建 2 个账号" in done and 'action="/hr/import/handout"' in done


def test_a_confirmation_that_no_longer_fits_imports_nobody(client, hr):
    login(client, "H1")
    page = preview(client)
    make_person("N002")  # created since the preview
    before = database_snapshot()
    response = client.post(
        "/hr/import/confirm",
        data={"csrf_token": csrf_token(client, "/hr/import"), "payload": payload_of(page)},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/hr/import"
    assert database_snapshot() == before
    message = client.get("/hr/import").get_data(as_text=True)
    assert "没有导入任何人：工号 N002 已存在。请重新上传文件预览。" in message


def test_an_expired_preview_is_sent_back_to_the_upload(app, client, hr):
    login(client, "H1")
    # Signed an hour and a bit ago, as the page would have signed it.
    serializer = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt="roster-import", signer=HourAgoSigner
    )
    payload = serializer.dumps({"file": "roster.csv", "hires": []})
    before = database_snapshot()
    response = client.post(
        "/hr/import/confirm",
        data={"csrf_token": csrf_token(client, "/hr/import"), "payload": payload},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/hr/import"
    assert "预览已超过一小时" in client.get("/hr/import").get_data(as_text=True)
    assert database_snapshot() == before


def test_a_handout_with_uneven_lists_is_refused(client, hr):
    login(client, "H1")
    response = client.post(
        "/hr/import/handout",
        data={
            "csrf_token": csrf_token(client, "/hr/import"),
            "employee_no": ["N001", "N002"],
            "name": ["王小明"],
            "password": ["x", "y"],
        },
    )
    assert response.status_code == 400
