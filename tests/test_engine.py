"""The search engine interface (kb.search.engine): the embedded index implements it, and
the rest of the code reaches Whoosh only through kb/search/."""
import ast
from pathlib import Path

from indexer.metadata import INSPECTOR_TYPES
from kb import framework
from kb.search.analysis import index_term
from kb.search.engine import SearchEngine
from kb.search.index import Index
from test_index import row

ROOT = Path(__file__).resolve().parent.parent
# bench/ files that build a bare Whoosh index on purpose, as a baseline to measure against.
WHOOSH_BASELINES = {"bench/floor.py"}

ROWS = [
    row("a:0", "Supervision of social workers is regular and reflective, with case discussions."),
    row("a:1", "Supervision records show reflective discussions with social workers."),
    row("b:0", "Reflective supervision of social workers takes place monthly, with case discussions."),
    row("c:0", "Care leavers live in suitable accommodation."),
]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-level imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def sources(*folders: str):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path


def test_the_embedded_index_implements_the_engine_interface(tmp_path):
    assert isinstance(Index(tmp_path), SearchEngine)


def test_only_the_engine_package_imports_whoosh():
    outside = [name for name, path in sources("indexer", "kb", "web", "bench")
               if not name.startswith("kb/search/") and name not in WHOOSH_BASELINES
               and any(m == "whoosh" or m.startswith("whoosh.") for m in imported_modules(path))]
    assert outside == []


def test_the_indexer_is_a_leaf():
    reaching_up = {name: sorted(m for m in imported_modules(path) if m.split(".")[0] in ("kb", "web", "whoosh"))
                   for name, path in sources("indexer")}
    assert {name: ms for name, ms in reaching_up.items() if ms} == {}


def test_the_indexer_knows_the_inspectors_document_types_as_the_framework_does():
    assert INSPECTOR_TYPES == framework.INSPECTOR_DOC_TYPES


def test_index_documents_search_and_remove_through_the_interface(tmp_path):
    engine: SearchEngine = Index(tmp_path)
    assert engine.rebuild(ROWS[:2]) == 2
    assert engine.index_documents(["b", "c"], ROWS[2:]) == 2
    found = engine.search("reflective supervision")
    assert {h.paragraph_id for h in found.hits} == {"a:0", "a:1", "b:0"}
    assert found.facets["authority"] == {"Testshire": 3}
    assert [pid for pid, _ in engine.ranked("care leavers").ids] == ["c:0"]
    assert engine.remove("a") == 2
    assert {h.paragraph_id for h in engine.search("reflective supervision").hits} == {"b:0"}


def test_more_like_this_finds_other_documents_sharing_distinctive_terms(tmp_path):
    engine = Index(tmp_path)
    engine.rebuild(ROWS)
    like = engine.more_like_this(ROWS[0]["text"], exclude_doc="a", limit=5)
    assert like[0] == "b:0"
    assert not any(pid.startswith("a:") for pid in like)
    assert "c:0" not in like
    assert engine.more_like_this("", exclude_doc="a") == []


def test_term_stats_count_the_paragraphs_using_each_term(tmp_path):
    engine = Index(tmp_path)
    engine.rebuild(ROWS)
    terms = [index_term("supervision"), index_term("accommodation"), "neverused"]
    stats = engine.term_stats(terms)
    assert stats.paragraphs == 4
    assert stats.frequency == {terms[0]: 3, terms[1]: 1, "neverused": 0}
