"""Which feedback needs a person, rule by rule."""

import pytest

from feedback.escalation import NEGATIVE_LEXICON, csat_needs_follow_up, negative_phrase, nps_needs_follow_up


@pytest.mark.parametrize(
    ("comment", "negative"),
    [
        ("Great, thank you!", False),
        ("The box was broken", True),
        ("Arrived damaged, the mug is chipped", True),
        ("It never arrived", True),
        ("The courier was RUDE", True),
        ("Two days late", True),
        ("Terrible service", True),
        ("Chocolate arrived safe and sound", False),  # "late" inside a word is not "late"
        ("Later than I hoped but fine", False),
        ("Produsul a ajuns stricat", True),
        ("Cutia era deteriorată", True),
        ("O întârziere de trei zile", True),
        ("Livrare rapidă, mulțumesc", False),
        ("Paczka uszkodzona", True),
        ("Wszystko zniszczone", True),
        ("Kurier spóźniony o dwa dni", True),
        ("Wszystko w porządku, dziękuję", False),
        ("Телефон сломан", True),
        ("Коробка повреждена", True),
        ("Коробка повреждёна", True),
        ("Курьер опоздал на час", True),
        ("Всё отлично, спасибо", False),
        ("", False),
    ],
)
def test_negative_comments_are_recognised_in_every_language(comment: str, negative: bool) -> None:
    assert (negative_phrase(comment) is not None) is negative


@pytest.mark.parametrize("locale", ["en", "ro", "pl", "ru"])
def test_every_language_has_a_lexicon_and_every_entry_matches_itself(locale: str) -> None:
    assert len(NEGATIVE_LEXICON[locale]) >= 10
    for entry in NEGATIVE_LEXICON[locale]:
        assert negative_phrase(f"well, {entry.rstrip('*')} indeed") is not None, entry


@pytest.mark.parametrize(
    ("score", "comment", "follow_up"),
    [
        (1, "", True),
        (2, "", True),
        (3, "", False),
        (4, "", False),
        (5, "", False),
        (5, "but the courier was rude", True),
        (3, "ok", False),
    ],
)
def test_csat_follow_up(score: int, comment: str, follow_up: bool) -> None:
    assert csat_needs_follow_up(score=score, comment=comment) is follow_up


@pytest.mark.parametrize(
    ("score", "comment", "follow_up"),
    [
        (0, "", True),
        (6, "", True),
        (7, "", False),
        (8, "", False),
        (9, "", False),
        (10, "", False),
        (10, "love it, though it arrived damaged", True),
        (9, "Все хорошо", False),
    ],
)
def test_nps_follow_up(score: int, comment: str, follow_up: bool) -> None:
    assert nps_needs_follow_up(score=score, comment=comment) is follow_up
