"""The questions an approval-required event asks: typed one per line, stored as {label, required}."""

import pytest
from django.core.exceptions import ValidationError

from events.questions import questions_clean, questions_from_text, questions_to_text
from events.tests.factories import EventFactory


def test_one_question_per_line_and_optional_ones_are_marked():
    questions = questions_from_text("  What will you build?  \n\nGitHub profile (optional)\n")

    assert questions == [
        {"label": "What will you build?", "required": True},
        {"label": "GitHub profile (optional)", "required": False},
    ]
    assert questions_to_text(questions) == "What will you build?\nGitHub profile (optional)"


@pytest.mark.parametrize(
    "text",
    ["\n".join(f"Question {n}" for n in range(11)), "Same?\nsame?", "x" * 201],
)
def test_too_many_duplicate_or_overlong_questions_are_refused(text):
    with pytest.raises(ValidationError):
        questions_from_text(text)


def test_the_api_may_give_labels_or_objects():
    assert questions_clean(["Why you?", {"label": "Portfolio", "required": False}]) == [
        {"label": "Why you?", "required": True},
        {"label": "Portfolio (optional)", "required": False},
    ]


@pytest.mark.parametrize("value", ["Why?", [{"required": True}], [3], ["two\nlines"]])
def test_the_api_refuses_malformed_questions(value):
    with pytest.raises(ValidationError):
        questions_clean(value)


@pytest.mark.django_db
def test_organizers_set_questions_over_the_api(api_client):
    event = EventFactory()
    api_client.force_authenticate(event.organizer)

    response = api_client.patch(
        f"/api/v1/organizer/events/{event.pk}/",
        {"requires_approval": True, "application_questions": ["Why you?"]},
        format="json",
    )

    event.refresh_from_db()
    assert response.status_code == 200, response.json()
    assert response.json()["application_questions"] == [{"label": "Why you?", "required": True}]
    assert event.application_questions == [{"label": "Why you?", "required": True}]


@pytest.mark.django_db
def test_malformed_questions_over_the_api_are_a_field_error(api_client):
    event = EventFactory()
    api_client.force_authenticate(event.organizer)

    response = api_client.patch(
        f"/api/v1/organizer/events/{event.pk}/", {"application_questions": "Why?"}, format="json"
    )

    assert response.status_code == 400 and "application_questions" in response.json()["error"]["fields"]
