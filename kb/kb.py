"""The knowledge base as one object: its store, its index, and the operations that keep
the two in step (ingest, remove, correct, reindex). The command line and the web app
both go through here."""
from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator

from indexer.model import ReadError
from kb.ingest import Pending, Prepared, Workers, prepare, tag_dict
from indexer.readers import SUPPORTED, load_file
from kb.home import DB_NAME, make_private_file, private_files, resolve_home
from kb.index_repair import repair_index
from kb.search.index import Index, IndexBusy
from kb.doc_details import checked_changes
from kb.duplicates import Copy, find_copy
from kb.store import Correction, Store, content_hash
from kb.tagging import tag
from kb.tagging.stance_model import load_model

STANCE_MODEL = "stance_model.json"   # in the home, once `kb learn` has run


@dataclass
class LearnReport:
    sentences: dict[str, int]     # labelled sentences learned from, by stance
    features: int                 # weighted terms and rule findings in the model
    changed: int                  # paragraphs whose automatic tags changed


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)       # doc ids
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    copies: list[Copy] = field(default_factory=list)             # found among the documents stored
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why): links and special files in folders

    @property
    def ok(self) -> bool:
        return not self.failed


class KnowledgeBase:
    def __init__(self, home: str | os.PathLike | None = None, index: Index | None = None,
                 rebuild: bool = True, notice: Callable[[str], None] | None = None):
        """`index`: an Index of the same home to share (the web app gives every thread its
        own store connection, as SQLite wants, and one index, whose memoised search tables
        all threads then share). `rebuild`: rebuild the index now if it is missing or
        from another version (else the caller does), first telling `notice` when there
        are documents to index; or else index what a crash left out of it (kb.index_repair)."""
        self.home = resolve_home(home)
        self.store = Store(self.home / DB_NAME)
        self.index = index or Index(self.home)
        if rebuild and self.index.needs_rebuild():
            # A new home, or an index left by another version: the database has it all.
            counts = self.store.counts()
            if notice and counts["documents"]:
                notice(f"Rebuilding the search index of {counts['documents']} documents "
                       f"({counts['paragraphs']} paragraphs): it is missing or from another version of kb…")
            self.reindex()
        elif rebuild:
            repair_index(self.store, self.index, notice)
            try:
                self.catch_up(wait=False)
            except IndexBusy:
                pass          # the writer holding it catches up when it is done

    def close(self) -> None:
        """Close the store and the calling thread's index searcher."""
        self.store.close()
        self.index.close()

    # -- ingest -----------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | os.PathLike], force: bool = False,
               progress: Callable[[int, int, str], None] | None = None) -> IngestReport:
        report = IngestReport()
        files = expand_paths(paths, report.skipped)
        # Each document is indexed as soon as it is stored, while workers prepare the next
        # ones; the index takes them in one commit, made early when the next document is
        # not prepared yet: its write lock is never held while a document is read and
        # tagged, so that a person's correction does not wait for that.
        with Workers(len(files)) as workers, self.index.batch(self._rows) as index_document:
            for i, (path, loaded) in enumerate(self._read_ahead(files, force, workers)):
                if progress:
                    progress(i, len(files), str(path))
                try:
                    if isinstance(loaded, ReadError):   # the file itself could not be read
                        raise loaded
                    if not loaded.ready():
                        index_document.flush()
                    outcome, doc_id, prepared = self._store_loaded(loaded, force)
                except ReadError as e:
                    report.failed.append((str(path), str(e)))
                    continue
                getattr(report, outcome).append(doc_id)
                if prepared:
                    copy = self._settle_copy(doc_id)
                    index_document(doc_id, prepared.analysed)    # a copy is left out
                    if copy:
                        report.copies.append(copy)
                        if copy.copy != doc_id:      # the one held before is now the copy
                            index_document(copy.copy)
            if progress:
                progress(len(files), len(files), "")
        self.settle_index()
        return report

    def settle_index(self) -> None:
        """Once an ingest is done: index what waited in the store while another writer held
        the index (documents, corrections), and merge the segments the ingest wrote.
        Waits for the index's writer as long as another process holds it."""
        repair_index(self.store, self.index, wait=True)
        self.catch_up()
        if self.index.merge():
            self.catch_up()         # held by other processes during the merge

    def ingest_bytes(self, data: bytes, name: str, force: bool = False) -> tuple[str, str]:
        """Ingest one uploaded file; returns (outcome, doc_id). Raises ReadError."""
        return self.store_prepared(self.prepare_bytes(data, name, force), force)

    def prepare_bytes(self, data: bytes, name: str, force: bool = False) -> _Loaded:
        """The slow half of `ingest_bytes`: read, segment, describe and tag an uploaded file,
        writing nothing, so that it needs no lock (unless its bytes are held already).
        Raises ReadError."""
        loaded = _Loaded(data, name, None, self.stance_model)
        if force or not self.store.document_by_hash(loaded.digest):
            loaded.prepared()
        return loaded

    def store_prepared(self, loaded: _Loaded, force: bool = False, wait: bool = True) -> tuple[str, str]:
        """The quick half: store a prepared upload in one transaction and index it;
        returns (outcome, doc_id). With wait=False, a document that finds another process
        writing the index is left for settle_index to index. Raises ReadError (the bytes,
        held already when it was prepared, were removed since, and reading them now failed)."""
        outcome, doc_id, prepared = self._store_loaded(loaded, force)
        if prepared:
            copy = self._settle_copy(doc_id)
            touched = [doc_id] + ([copy.copy] if copy and copy.copy != doc_id else [])
            try:
                self.index.add_documents(touched, self._rows(touched), prepared.analysed, wait=wait)
            except IndexBusy:
                pass     # stored: the index lacks it, which settle_index (and the next open) repair
        return outcome, doc_id

    def _settle_copy(self, doc_id: str) -> Copy | None:
        """Whether a just-stored document is a copy of one held (or the reverse), on record."""
        copy = find_copy(self.store, doc_id)
        if copy:
            self.store.set_copy(copy.copy, copy.original)
        return copy

    def _read_ahead(self, files: list[Path], force: bool,
                    workers: Workers) -> Iterator[tuple[Path, _Loaded | ReadError]]:
        """Each file read, in order. With workers, the files that look new are handed to
        them as they are read, a few files ahead of the caller; whether a file is new is
        settled again when it is stored, as an earlier file of the batch may change that."""
        ahead: deque = deque()
        for path in files:
            try:
                loaded = _Loaded(load_file(path), path.name, str(path.resolve()), self.stance_model)
            except ReadError as e:
                ahead.append((path, e))
            else:
                if workers.ahead and (force or not self.store.document_by_hash(loaded.digest)):
                    loaded.pending = workers.start(loaded.data, loaded.name, loaded.path, loaded.stance_model)
                ahead.append((path, loaded))
            if len(ahead) > workers.ahead:
                yield ahead.popleft()
        yield from ahead

    def _store_loaded(self, loaded: _Loaded, force: bool) -> tuple[str, str, Prepared | None]:
        """(outcome, doc_id, the prepared document unless it was unchanged)."""
        same = self.store.document_by_hash(loaded.digest)
        if same and not force:
            return "unchanged", same["doc_id"], None
        prepared = loaded.prepared()
        earlier = same or (self.store.document_by_path(loaded.path) if loaded.path else None)
        doc_id = earlier["doc_id"] if earlier else self.store.new_doc_id(Path(loaded.name).stem)
        self.store.save_document(_doc_record(doc_id, prepared, loaded.digest),
                                 prepared.paragraphs, prepared.tags)
        if self.store.document(doc_id)["doc_type"] != prepared.meta.doc_type:
            self._retag_document(doc_id)     # a person's type tells how to read it
        return ("replaced" if earlier else "added"), doc_id, prepared

    # -- other changes ----------------------------------------------------------------
    def remove(self, doc_id: str) -> bool:
        """Remove a document; a copy of it, if one is held, then stands in its place."""
        removed = self.store.remove_document(doc_id)
        if removed:
            standing = self.store.release_copies(doc_id)
            if standing:
                self.index.add_documents([doc_id, standing], self._rows([standing]))
            else:
                self.index.remove_document(doc_id)
        return removed

    def correct_document(self, doc_id: str, wanted: dict[str, str | None], who: str,
                         form: bool = False, wait: bool = True) -> list[tuple]:
        """A person's values for a document's details (field -> typed value, None: not
        given; `form`: see kb.doc_details.checked_changes): checked (raises DetailError),
        recorded with who and when, and the document's paragraphs indexed again with
        them; returns (field, old, new) for each change."""
        doc = self.store.document(doc_id)
        if doc is None:
            raise KeyError(doc_id)
        changes = checked_changes(wanted, doc, form)
        if not changes:
            return []
        done = self.store.correct_document(doc_id, changes, who)
        if "doc_type" in changes:
            self._retag_document(doc_id)
        self._index_paragraphs([p["paragraph_id"] for p in self._rows([doc_id])], wait)
        return done

    def _retag_document(self, doc_id: str) -> int:
        model = load_model(Path(self.stance_model)) if self.stance_model else None
        return self._retag_with(self.store.document(doc_id), model)

    def _retag_with(self, doc: dict, model) -> int:
        tags = [(p["paragraph_id"], tag_dict(tag(p["text"], section=p["section"], doc_type=doc["doc_type"],
                                                 kind=p["kind"], stance_model=model)))
                for p in self.store.paragraphs(doc["doc_id"])]
        return self.store.retag_document(doc["doc_id"], tags)

    def correct(self, paragraph_id: str, correction: Correction, who: str, wait: bool = True) -> dict:
        """A person's tags for a paragraph, stored, then indexed. wait=False: if another
        process holds the index (an ingest), the paragraph is held in the store for the
        index to take in later (catch_up) instead of waiting for it."""
        return self.correct_all([(paragraph_id, correction)], who, wait)[0]

    def correct_all(self, corrections: list[tuple[str, Correction]], who: str, wait: bool = True) -> list[dict]:
        """Several paragraphs' corrections (paragraph id, correction), stored one by one and
        indexed in one commit (see correct)."""
        paras = [self.store.correct(pid, correction, who) for pid, correction in corrections]
        if corrections:
            self._index_paragraphs([pid for pid, _ in corrections], wait)
        return paras

    def _index_paragraphs(self, paragraph_ids: list[str], wait: bool) -> None:
        try:
            self._update_index(paragraph_ids, wait)
        except IndexBusy:
            self.store.hold_for_index(paragraph_ids)

    def _update_index(self, paragraph_ids: list[str], wait: bool) -> None:
        # A copy of another document is not in the index (kb.duplicates): nothing to update.
        rows = [p for p in self.store.paragraphs_by_id(paragraph_ids).values() if not p.get("duplicate_of")]
        if rows:
            self.index.update_paragraphs(rows, wait=wait)

    @property
    def index_behind(self) -> int:
        """Paragraphs whose latest tags the search index has yet to take in."""
        return len(self.store.held_for_index()[1])

    def catch_up(self, wait: bool = True) -> int:
        """Index the paragraphs held for it (see correct); returns how many. With
        wait=False, raises IndexBusy if another writer holds the index."""
        upto, held = self.store.held_for_index()
        if not held:
            return 0
        self._update_index(held, wait)
        self.store.release_for_index(upto, held)
        return len(held)

    def reindex(self) -> int:
        """Rebuild the index from the store; returns paragraphs indexed. With several CPUs
        the documents are split into as many parts, each indexed by a worker process."""
        sizes = self.store.paragraph_counts()
        with Workers(len(sizes)) as workers:
            if not workers.count:
                return self.index.rebuild(self.store.paragraphs(include_boilerplate=False, copies=False))
            parts = [partial(_rows_of_documents, self.store.path, doc_ids)
                     for doc_ids in _shares(sizes, workers.count)]
            return self.index.rebuild_in_parts(parts, workers.submit)

    # -- learning -----------------------------------------------------------------------
    @property
    def stance_model(self) -> str | None:
        """The path of this knowledge base's own stance model, if `learn` has made one."""
        path = self.home / STANCE_MODEL
        return str(path) if path.exists() else None

    def learn(self) -> LearnReport:
        """Learn the stance model from this knowledge base's documents (the labels their
        layout gives, and people's corrections), keep it in the home, and tag every
        paragraph again with it. Raises ReadError when it cannot learn."""
        from kb.tagging.stance_learn import fit, labelled_sentences, store_paragraphs
        samples = list(labelled_sentences(store_paragraphs(self.store)))
        try:
            model = fit(samples)
        except ImportError:
            raise ReadError("kb learn needs scikit-learn: from the project's folder, pip install -e '.[train]'") from None
        except ValueError as e:
            raise ReadError(f"{e}: add inspection reports, or correct some paragraphs' stance, and try again") from None
        target = self.home / STANCE_MODEL
        partial_path = target.with_suffix(".tmp")
        with private_files():
            make_private_file(partial_path)
            model.save(partial_path)
        os.replace(partial_path, target)   # a reader never sees half a model
        return LearnReport(model.trained_on["sentences"], model.trained_on["features"], self.retag())

    def forget(self) -> int:
        """Go back to the shipped stance model; returns paragraphs whose tags changed."""
        (self.home / STANCE_MODEL).unlink(missing_ok=True)
        return self.retag()

    def retag(self) -> int:
        """Tag every stored paragraph again with the current tagger and stance model,
        people's corrections still winning, then rebuild the index; returns how many
        paragraphs' automatic tags changed (each change is in their history)."""
        model = load_model(Path(self.stance_model)) if self.stance_model else None
        changed = sum(self._retag_with(doc, model) for doc in self.store.documents())
        self.reindex()
        return changed

    def _rows(self, doc_ids: list[str]):
        """The indexable paragraphs of these documents; a copy has none (it is indexed once,
        as its original)."""
        for doc_id in doc_ids:
            yield from self.store.paragraphs(doc_id, include_boilerplate=False, copies=False)


def _shares(sizes: list[tuple[str, int]], n: int) -> list[list[str]]:
    """The documents (doc_id, paragraphs) split into at most n runs, in order, of about
    the same number of paragraphs."""
    total = sum(size for _, size in sizes) or 1
    shares: list[list[str]] = [[]]
    done = 0
    for doc_id, size in sizes:
        if done >= total * len(shares) / n and len(shares) < n:
            shares.append([])
        shares[-1].append(doc_id)
        done += size
    return [share for share in shares if share]


def _rows_of_documents(db_path: Path, doc_ids: list[str]) -> Iterator[dict]:
    """The indexable paragraphs of these documents, read through a connection of its own
    (a worker process must not use its parent's)."""
    store = Store(db_path)
    try:
        for doc_id in doc_ids:
            yield from store.paragraphs(doc_id, include_boilerplate=False, copies=False)
    finally:
        store.close()


def expand_paths(paths: Iterable[str | os.PathLike], skipped: list[tuple[str, str]] | None = None) -> list[Path]:
    """Files named, and the document files inside folders named, in a stable order. A
    folder walk skips hidden files and README files (they describe the folder; they are
    not evidence); a file named explicitly is always tried. Inside a folder, symbolic
    links are not followed (one could lead out of the folder, or round in a loop) and
    special files (FIFOs, devices) are not opened: each is added to `skipped` with why."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(_walk(p, [] if skipped is None else skipped))
        else:
            out.append(p)
    return out


def _walk(root: Path, skipped: list[tuple[str, str]]) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        linked_dirs = [d for d in dirs if (base / d).is_symlink()]
        for name in sorted(names) + linked_dirs:
            path = base / name
            rel = path.relative_to(root)
            if path.is_symlink():
                if name in linked_dirs or _is_evidence_file(rel):
                    skipped.append((str(path), "a symbolic link; links inside a folder are not followed "
                                               "(name the file itself to ingest it)"))
            elif _is_evidence_file(rel):
                if path.is_file():
                    found.append(path)
                else:
                    skipped.append((str(path), "not a regular file (a FIFO, socket or device); it was not opened"))
    return sorted(found)


def _is_evidence_file(rel: Path) -> bool:
    return (rel.suffix.lower() in SUPPORTED and not rel.name.upper().startswith("README.")
            and not any(part.startswith(".") for part in rel.parts))


class _Loaded:
    """A file's bytes, and its preparation if a worker has it in hand."""

    def __init__(self, data: bytes, name: str, path: str | None, stance_model: str | None = None):
        self.data, self.name, self.path, self.stance_model = data, name, path, stance_model
        self.digest = content_hash(data)
        self.pending: Pending | None = None
        self._prepared: Prepared | None = None

    def ready(self) -> bool:
        """Whether `prepared` will answer without reading the file now or waiting for a worker."""
        return self._prepared is not None or (self.pending is not None and self.pending.done())

    def prepared(self) -> Prepared:
        """The prepared document, prepared once; raises ReadError."""
        if self._prepared is None:
            prepared = self.pending.result() if self.pending else None
            self._prepared = prepared or prepare(self.data, self.name, self.path, self.stance_model)
        return self._prepared


def _doc_record(doc_id: str, prepared: Prepared, digest: str) -> dict:
    m = prepared.meta
    return {
        "doc_id": doc_id, "title": m.title, "source": prepared.source,
        "path": prepared.path, "content_hash": digest, "format": prepared.raw.format,
        "doc_type": m.doc_type, "authority": m.authority, "date": m.date, "period": m.period,
        "pages": prepared.raw.pages, "grades": m.grades, "meta": prepared.raw.meta,
    }
