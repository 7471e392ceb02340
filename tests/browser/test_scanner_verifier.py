"""The scanner's offline verifier (checkin/static/checkin/scanner/verify.js) run in Chromium against real
offline bundles: the same signature cases as the server's test (checkin/tests/signature_cases.py) must get
the same verdicts — a tampered byte, another event's key, an old version of a reissued ticket and a
revoked or blocked code are all refused — plus what only a device knows (tickets it admitted itself)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from checkin.selectors import offline_bundle
from checkin.tests.factories import code_of, event_soon, ticket_issued
from checkin.tests.signature_cases import SIGNATURE_CASES, signature_case, tampered

pytestmark = pytest.mark.django_db(transaction=True)

VERIFY = """async ([bundle, code, options]) => {
  const { verifyOffline } = await import("/static/checkin/scanner/verify.js");
  const admissions = new Map((options.admitted || []).map((id) => [id, { at: options.now, gate: "North" }]));
  return await verifyOffline(bundle, code, { admissions, now: new Date(options.now) });
}"""


def bundle_of(event, *, include_tickets: bool = True) -> dict:
    return json.loads(json.dumps(offline_bundle(event=event, include_tickets=include_tickets)))


def verify_in_browser(page: Page, bundle: dict, code: str, *, admitted=(), now=None) -> dict:
    options = {"now": (now or timezone.now()).isoformat(), "admitted": list(admitted)}
    return page.evaluate(VERIFY, [bundle, code, options])


@pytest.fixture
def verifier_page(page: Page) -> Page:
    page.goto("/scanner/")
    return page


def test_the_browser_verifier_agrees_with_the_server_on_every_signature_case(verifier_page):
    verdicts = {}
    for name in SIGNATURE_CASES:
        case = signature_case(name)
        verdicts[name] = (
            verify_in_browser(verifier_page, bundle_of(case.event), case.code)["reason"],
            case.server_reason,
        )

    assert {name: browser for name, (browser, _) in verdicts.items()} == {
        name: server for name, (_, server) in verdicts.items()
    }
    assert verdicts["valid"][0] == "ok"
    assert {verdicts[name][0] for name in ("tampered_body", "tampered_signature", "wrong_key", "garbage")} == {
        "invalid"
    }
    assert verdicts["old_version"][0] == "revoked"


@pytest.mark.parametrize("name", ["old_version", "refunded", "cancelled"])
def test_revocation_and_block_lists_alone_refuse_without_the_ticket_list(verifier_page, name):
    case = signature_case(name)

    answer = verify_in_browser(verifier_page, bundle_of(case.event, include_tickets=False), case.code)

    assert answer["reason"] == case.server_reason and answer["admissible"] is False


def test_every_single_bit_flip_is_refused(verifier_page):
    event = event_soon()
    ticket = ticket_issued(event=event)
    bundle = bundle_of(event)

    reasons = {
        index: verify_in_browser(verifier_page, bundle, tampered(code_of(ticket), index=index))["reason"]
        for index in range(0, 79, 3)
    }

    assert "ok" not in reasons.values(), reasons


def test_a_ticket_admitted_on_this_device_is_already_used(verifier_page):
    event = event_soon()
    ticket = ticket_issued(event=event, name="Ada Lovelace")

    answer = verify_in_browser(verifier_page, bundle_of(event), code_of(ticket), admitted=[ticket.pk])

    assert answer["reason"] == "already_used"
    assert answer["first_used"]["gate"] == "North"
    assert answer["ticket"]["holder"] == "Ada Lovelace"


def test_a_typed_serial_is_found_in_the_ticket_list_whatever_its_case_and_spaces(verifier_page):
    event = event_soon()
    ticket = ticket_issued(event=event, name="Ada Lovelace")
    typed = " ".join([ticket.serial[:4].lower(), ticket.serial[4:]])

    answer = verify_in_browser(verifier_page, bundle_of(event), typed)

    assert answer["reason"] == "ok" and answer["method"] == "serial"
    assert answer["ticket"]["serial"] == ticket.serial


def test_an_unknown_serial_is_invalid(verifier_page):
    event = event_soon()
    ticket_issued(event=event)

    assert verify_in_browser(verifier_page, bundle_of(event), "EH-2026-NOPE00")["reason"] == "invalid"


def test_a_signed_code_of_a_ticket_sold_after_the_download_is_admitted_without_a_name(verifier_page):
    event = event_soon()
    bundle = bundle_of(event)  # downloaded before the sale
    ticket = ticket_issued(event=event)

    answer = verify_in_browser(verifier_page, bundle, code_of(ticket))

    assert answer["reason"] == "ok"
    assert answer["ticket"]["listed"] is False and answer["ticket"]["holder"] is None


def test_before_check_in_opens_a_valid_code_is_not_yet_valid(verifier_page):
    event = event_soon()
    ticket = ticket_issued(event=event)

    answer = verify_in_browser(
        verifier_page, bundle_of(event), code_of(ticket), now=event.starts_at - timedelta(hours=7)
    )

    assert answer["reason"] == "not_yet_valid"
