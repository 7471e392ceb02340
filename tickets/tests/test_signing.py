"""Signed ticket codes: valid ones verify offline; tampered, re-keyed or malformed ones never do."""

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickets.signing import BadCode, TicketCode, event_public_key_b64, ticket_code, verify_code


def make(**overrides) -> str:
    values = {"event_id": 7, "ticket_id": 123456, "ticket_type_id": 42, "version": 1, **overrides}
    return ticket_code(**values)


def test_a_code_verifies_and_says_which_ticket_it_is():
    code = make()

    assert verify_code(code) == TicketCode(event_id=7, ticket_id=123456, ticket_type_id=42, version=1)
    assert code.startswith("EH1.") and len(code) < 120


@pytest.mark.parametrize("position", [4, 10, 20, 30, 60, 100])
def test_any_tampered_character_is_refused(position):
    code = make()
    swapped = "A" if code[position] != "A" else "B"
    tampered = code[:position] + swapped + code[position + 1 :]

    with pytest.raises(BadCode):
        verify_code(tampered)


def test_a_code_signed_with_another_secret_is_refused(settings):
    code = make()

    settings.TICKET_SIGNING_SECRET = "another-secret-" * 4

    with pytest.raises(BadCode):
        verify_code(code)


def test_a_body_moved_to_another_event_is_refused():
    code = make(event_id=7)
    raw = bytearray(base64.urlsafe_b64decode(code[4:] + "=" * (-len(code[4:]) % 4)))
    raw[4] ^= 0x01  # event id 7 → 6, signature unchanged
    forged = "EH1." + base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()

    with pytest.raises(BadCode):
        verify_code(forged)


def test_each_event_has_its_own_public_key():
    assert event_public_key_b64(1) != event_public_key_b64(2)
    assert len(base64.urlsafe_b64decode(event_public_key_b64(1) + "=")) == 32


@given(st.text(max_size=400))
def test_arbitrary_text_is_refused_without_crashing(text):
    with pytest.raises(BadCode):
        verify_code(text)


@given(st.binary(min_size=0, max_size=120))
def test_arbitrary_bytes_after_the_prefix_are_refused(data):
    code = "EH1." + base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    with pytest.raises(BadCode):
        verify_code(code)
