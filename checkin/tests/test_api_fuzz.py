"""Property tests: whatever a camera or a keyboard sends as the code, the answer is a clean ``invalid``."""

import json
import uuid

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkin.models import CheckIn

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

codes = st.one_of(
    st.text(),
    st.binary().map(lambda raw: raw.decode("latin-1")),
    st.text(min_size=490, max_size=520),
    st.text(alphabet=st.characters(codec="ascii"), min_size=1000, max_size=5000),
    st.from_regex(r"EH1\.[A-Za-z0-9_\-=]{0,160}", fullmatch=True),
    st.from_regex(r"EH-20[0-9]{2}-[A-Z0-9]{0,8}", fullmatch=True),
)


def post(client, url, body):
    # ensure_ascii: lone surrogates travel as \\ud800 escapes, which the server must survive too.
    return client.generic("POST", url, json.dumps(body, ensure_ascii=True), content_type="application/json")


@FUZZ
@given(code=codes)
def test_verify_never_fails_on_any_input(scanner, event, code):
    response = post(scanner, reverse("checkin-verify"), {"event": event.pk, "code": code})

    assert response.status_code == 200, response.content
    assert response.json()["reason"] == "invalid"


@FUZZ
@given(code=codes)
def test_redeem_never_fails_on_any_input(scanner, event, code):
    body = {"event": event.pk, "code": code, "scan_id": str(uuid.uuid4()), "gate": code[:60], "device_id": code[:100]}

    response = post(scanner, reverse("checkin-redeem"), body)

    assert response.status_code == 422, response.content
    assert response.json()["reason"] == "invalid" and response.json()["error"]["code"] == "invalid"
    assert not CheckIn.objects.exists()


@FUZZ
@given(codes=st.lists(codes, max_size=5))
def test_sync_never_fails_on_any_input(scanner, event, codes):
    scans = [{"scan_id": str(uuid.uuid4()), "code": code, "gate": code[:60]} for code in codes]

    response = post(scanner, reverse("checkin-sync"), {"event": event.pk, "scans": scans})

    assert response.status_code == 200, response.content
    assert {result["reason"] for result in response.json()["results"]} <= {"invalid"}


scan_items = st.one_of(
    st.dictionaries(
        st.sampled_from(["scan_id", "code", "device_time", "gate", "device_id", "result"]),
        st.one_of(st.text(), st.integers(), st.none(), st.booleans(), st.lists(st.text(), max_size=2)),
    ),
    st.text(),
    st.integers(),
)


@FUZZ
@given(items=st.lists(scan_items, max_size=4))
def test_sync_never_fails_on_malformed_scans(scanner, event, items):
    response = post(scanner, reverse("checkin-sync"), {"event": event.pk, "scans": items})

    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == len(items)
    assert not CheckIn.objects.exists()
