"""After `kb remove`, the removed document's text is in no file of the search index: the
segments that held it are rewritten, and a reindex keeps no earlier generation."""
import json
from pathlib import Path

from kb.cli import main
from kb.home import INDEX_DIR
from kb.search.index import Index
from test_index import row

SECRET = "Quillwort xylophone brigade"
DOCS = {
    "secret.txt": f"Children's services self-evaluation\n\nThe {SECRET} visits every child in care monthly.\n\n"
                  "Supervision of social workers is regular and reflective.\n",
    "other.txt": "Children's services annual report\n\nCare leavers live in suitable accommodation.\n\n"
                 "Supervision records show reflective discussions with managers.\n",
    "third.txt": "Scrutiny committee report\n\nEarly help assessments are completed within timescales.\n",
}


def index_holds(home: Path, text: str) -> list[str]:
    """The index files whose bytes hold `text`'s first word, in any case."""
    word = text.split()[0].lower().encode()
    return sorted(str(p.relative_to(home)) for p in (home / INDEX_DIR).rglob("*")
                  if p.is_file() and word in p.read_bytes().lower())


def kb(capsys, home: Path, *args: str) -> str:
    """What the command printed."""
    capsys.readouterr()
    assert main(["--home", str(home), *args]) == 0
    return capsys.readouterr().out


def doc_id_of(home: Path, name: str, capsys) -> str:
    docs = json.loads(kb(capsys, home, "docs", "--json"))
    return next(d["doc_id"] for d in docs if d["source"].endswith(name))


def written(tmp_path: Path) -> tuple[Path, Path]:
    """(home, folder): an empty home beside a folder holding DOCS."""
    home, folder = tmp_path / "home", tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text)
    return home, folder


def test_removed_text_is_gone_from_every_index_segment(tmp_path, capsys):
    home, folder = written(tmp_path)
    # One ingest per file: separate segments, the removed document's among others.
    for name in DOCS:
        kb(capsys, home, "ingest", str(folder / name))
    assert index_holds(home, SECRET)               # the probe finds it while it is held
    secret = doc_id_of(home, "secret.txt", capsys)
    kb(capsys, home, "remove", secret)
    assert index_holds(home, SECRET) == []
    found = json.loads(kb(capsys, home, "search", "supervision", "--json"))
    assert [h["text"] for h in found["hits"]] == ["Supervision records show reflective discussions with managers."]


def test_a_reindex_keeps_no_earlier_generation(tmp_path, capsys):
    home, folder = written(tmp_path)
    kb(capsys, home, "ingest", str(folder))
    kb(capsys, home, "reindex")          # the generation the ingest wrote is replaced
    assert len(list((home / INDEX_DIR).glob("gen-*"))) == 1
    kb(capsys, home, "remove", doc_id_of(home, "secret.txt", capsys))
    assert index_holds(home, SECRET) == []


def test_a_document_dropped_while_others_are_indexed_again_leaves_no_text(tmp_path):
    # As when a removed document's copy takes its place: add_documents([removed, copy], ...).
    index = Index(tmp_path)
    index.rebuild([row("a:0", f"The {SECRET} meets weekly."), row("b:0", "Care leavers are well supported.")])
    index.add_documents(["c"], [row("c:0", "Early help is timely.")])     # a second segment
    assert index_holds(tmp_path, SECRET)
    assert index.add_documents(["a", "b"], [row("b:0", "Care leavers are well supported.")]) == 1
    assert index_holds(tmp_path, SECRET) == []
    assert index.doc_count() == 2


def test_removed_text_is_in_no_file_of_the_home(tmp_path, capsys):
    home, folder = written(tmp_path)
    kb(capsys, home, "ingest", str(folder))
    secret = doc_id_of(home, "secret.txt", capsys)
    kb(capsys, home, "remove", secret)
    word = SECRET.split()[0].lower().encode()
    holding = [str(p.relative_to(home)) for p in home.rglob("*") if p.is_file() and word in p.read_bytes().lower()]
    assert holding == []
