"""Fixtures shared by several test modules."""
import pytest

from kb.corpus import bundled_files
from kb.kb import KnowledgeBase


@pytest.fixture(scope="session")
def bundled_kb(tmp_path_factory):
    """The bundled corpus, ingested once for the whole run. Tests using it only read it."""
    base = KnowledgeBase(tmp_path_factory.mktemp("kb"))
    report = base.ingest(bundled_files())
    assert report.ok, report.failed
    yield base
    base.close()
