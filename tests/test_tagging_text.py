"""The tagger's text helpers in the forms made fast: quote normalisation, phrase
counting and the cached reading of heading trails."""
from kb.tagging.headings import read_trail
from kb.tagging.scoring import PhraseTable
from kb.tagging.text import normalise, tokens


def test_normalise_makes_typographic_quotes_and_dashes_plain():
    assert normalise("Children\u2019s \u201cvoice\u201d \u2013 heard\u2014often \u2018well\u2019 "
                     "co\u2010ordinated non\u2011stop") == "Children's \"voice\" - heard-often 'well' co-ordinated non-stop"
    assert normalise("caf\u00e9 \u2019") == "caf\u00e9 '"          # other characters stay as they are
    plain = "Plain text, nothing to change."
    assert normalise(plain) is plain


def count(table: PhraseTable, text: str) -> dict:
    return dict(table.count(tokens(text)))


def test_phrase_count_takes_the_longest_phrase_and_never_overlaps():
    table = PhraseTable({"a": {"care": 1.0, "care leaver": 2.0, "leaver plan": 1.0, "pathway plan": 1.0}}, {}, 1.0)
    assert count(table, "Care leavers have pathway plans") == {"care leaver": 1, "pathway plan": 1}
    # "leaver plan" starts inside "care leaver", so it does not count.
    assert count(table, "care leaver plan") == {"care leaver": 1}
    assert count(table, "care, care and care leavers") == {"care": 2, "care leaver": 1}
    assert count(table, "a pathway") == {}


def test_read_trail_answers_alike_for_a_list_and_again_from_its_cache():
    trail = ["The experiences and progress of care leavers", "Areas for development"]
    first = read_trail(trail, "ilacs-inspection")
    assert (first.judgement, first.stance) == ("care-leavers", "development")
    assert read_trail(tuple(trail), "ilacs-inspection") == first
    assert read_trail(trail, "committee-report") == read_trail(list(trail), "committee-report")
    assert read_trail(None) == read_trail([])
