"""The study tests' hire: a 客服前台 employee, with the study bank imported."""

from __future__ import annotations

import pytest

from tests.factories import load_bank, make_person


@pytest.fixture
def hire(app):
    load_bank()
    return make_person("E1", job_role="客服前台")
