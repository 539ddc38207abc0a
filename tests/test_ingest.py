"""kb.ingest's worker processes, as `KnowledgeBase.ingest` uses them: a batch
prepared in parallel ends up stored and indexed exactly as one prepared file by file."""
import os

import pytest

import kb.ingest as ingest
from kb.ingest import Workers
from kb.kb import KnowledgeBase

DOCS = {
    "front-door.md": "# Help and protection\n\nStrategy meetings are timely and well attended.\n\n"
                     "Not all referrals are screened promptly, which leads to delay.\n",
    "care.md": "# Children in care\n\nChildren in care live in stable homes with carers who know them well.\n",
    "leavers.txt": "Care leavers have a personal adviser who keeps in touch with them.\n\n"
                   "Too few care leavers are in education, employment or training.\n",
    "leaders.md": "# Leadership\n\nLeaders understand the weaknesses in assessment practice.\n",
}


def write_docs(folder):
    folder.mkdir(exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return sorted(folder.iterdir())


def cpus(monkeypatch, n):
    """Pretend this process runs alone on n CPUs, so that ingest uses n workers (or none)."""
    monkeypatch.setattr(ingest.os, "sched_getaffinity", lambda pid: set(range(n)))
    monkeypatch.setattr(ingest.threading, "active_count", lambda: 1)


def contents(kb):
    paragraphs = [(p["paragraph_id"], p["text"], p["judgement"], p["stance"], p["criteria"], p["sentences"])
                  for p in kb.store.paragraphs()]
    s = kb.index.snapshot().searcher
    indexed = sorted((f["paragraph_id"], f["content"], f.get("judgement"), f.get("stance"))
                     for f in s.all_stored_fields())
    return paragraphs, indexed


def test_workers_only_with_several_files_and_cpus(monkeypatch):
    cpus(monkeypatch, 2)
    with Workers(1) as one, Workers(5) as several:
        assert one.ahead == 0 and one.start(b"x", "x.txt", None) is None
        assert several.ahead == 2 * ingest.READ_AHEAD_PER_WORKER
    cpus(monkeypatch, 1)
    with Workers(5) as alone:
        assert alone.ahead == 0


def test_parallel_ingest_stores_and_indexes_what_serial_ingest_does(tmp_path, monkeypatch):
    files = write_docs(tmp_path / "docs")
    cpus(monkeypatch, 1)
    serial = KnowledgeBase(tmp_path / "serial")
    serial_report = serial.ingest(files)
    cpus(monkeypatch, 2)
    parallel = KnowledgeBase(tmp_path / "parallel")
    parallel_report = parallel.ingest(files)
    assert parallel_report == serial_report and len(parallel_report.added) == len(DOCS)
    assert contents(parallel) == contents(serial)
    assert parallel.ingest(files).unchanged == serial_report.added


def terms(kb):
    """Every term of the index with its statistics and postings' weights, by paragraph."""
    reader = kb.index.snapshot().searcher.reader()
    pid = {d: reader.stored_fields(d)["paragraph_id"] for d in reader.all_doc_ids()}
    out = []
    for field, text in reader.all_terms():
        m, postings = reader.postings(field, text), []
        while m.is_active():
            postings.append((pid.get(m.id(), m.id()), round(m.weight(), 4)))
            m.next()
        postings.sort()
        info = reader.term_info(field, text)
        # Weights are 32-bit floats summed segment by segment: equal to 4 places.
        out.append((field, text, round(info.weight(), 4), info.doc_frequency(), postings))
    return out


def test_a_parallel_rebuild_indexes_what_a_serial_one_does(tmp_path, monkeypatch):
    files = write_docs(tmp_path / "docs")
    cpus(monkeypatch, 1)
    kb = KnowledgeBase(tmp_path / "home")
    kb.ingest(files)
    indexed = kb.reindex()
    serial = terms(kb)
    cpus(monkeypatch, 2)
    assert kb.reindex() == indexed == kb.store.counts()["paragraphs"] > 4
    assert terms(kb) == serial and any(field == "words" for field, *_ in serial)


def test_a_bad_file_fails_alone_in_a_parallel_batch(tmp_path, monkeypatch):
    files = write_docs(tmp_path / "docs")
    bad = tmp_path / "docs" / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7 this is not really a PDF")
    cpus(monkeypatch, 2)
    report = KnowledgeBase(tmp_path / "home").ingest(files + [bad, tmp_path / "missing.md"])
    assert len(report.added) == len(DOCS)
    assert [path for path, _ in report.failed] == [str(bad), str(tmp_path / "missing.md")]
    assert all(reason for _, reason in report.failed)


def test_same_content_twice_in_one_batch_is_stored_once(tmp_path, monkeypatch):
    files = write_docs(tmp_path / "docs")
    twin = tmp_path / "docs" / "twin.md"
    twin.write_bytes(files[0].read_bytes())
    cpus(monkeypatch, 2)
    report = KnowledgeBase(tmp_path / "home").ingest([files[0], twin])
    assert len(report.added) == 1 and report.unchanged == report.added


def test_forced_reingest_of_a_file_listed_twice_indexes_it_once(tmp_path, monkeypatch):
    files = write_docs(tmp_path / "docs")
    cpus(monkeypatch, 2)
    kb = KnowledgeBase(tmp_path / "home")
    kb.ingest(files)
    report = kb.ingest([files[0], files[0], files[1]], force=True)
    assert len(report.replaced) == 3
    paragraphs, indexed = contents(kb)
    assert len(indexed) == len({pid for pid, *_ in indexed}) == len(paragraphs)


CRASH_ON = "care.md"
PARENT = os.getpid()


def prepare_or_crash(data, source, path=None, stance_model=None):
    """prepare, except that a worker handed CRASH_ON dies as a crashing reader would."""
    if source == CRASH_ON and os.getpid() != PARENT:
        os._exit(1)
    return REAL_PREPARE(data, source, path, stance_model)


REAL_PREPARE = ingest.prepare


def test_a_worker_that_dies_leaves_its_documents_to_the_parent(tmp_path, monkeypatch):
    files = write_docs(tmp_path / "docs")
    cpus(monkeypatch, 2)
    monkeypatch.setattr(ingest, "prepare", prepare_or_crash)
    report = KnowledgeBase(tmp_path / "home").ingest(files)
    assert len(report.added) == len(DOCS) and not report.failed


@pytest.mark.parametrize("n", [1, 2])
def test_progress_is_reported_file_by_file_in_order(tmp_path, monkeypatch, n):
    files = write_docs(tmp_path / "docs")
    cpus(monkeypatch, n)
    seen = []
    KnowledgeBase(tmp_path / "home").ingest(files, progress=lambda i, total, name: seen.append((i, total, name)))
    assert seen == [(i, len(files), str(f)) for i, f in enumerate(files)] + [(len(files), len(files), "")]


def test_a_rebuild_is_split_into_runs_of_about_the_same_size():
    from kb.kb import _shares
    sizes = [("a", 10), ("b", 10), ("c", 10), ("d", 10), ("e", 40), ("f", 0)]
    assert _shares(sizes, 2) == [["a", "b", "c", "d"], ["e", "f"]]
    assert _shares(sizes, 1) == [["a", "b", "c", "d", "e", "f"]]
    assert _shares([("a", 5)], 2) == [["a"]]
    assert sum(_shares(sizes, 4), []) == [d for d, _ in sizes]
