"""Hostile input: each reader refuses what would cost it unbounded memory or time with a
sentence naming the limit, and one bad file never stops the others in a batch. The
fixtures are small; the limits are lowered to meet them."""
import io
import os
import zipfile

import docx
import pytest

from indexer.model import ReadError
from indexer.readers import limits, load_file, read_bytes
from kb.kb import KnowledgeBase

GOOD = ("# Visit notes\n\nLeaders know their services well and act quickly on what they find. "
        "Social workers visit children regularly and see them alone.\n")


def word_package(**extra_members: bytes) -> bytes:
    """A genuine small Word document, with members added or replaced (stored deflated)."""
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Leaders know their services well and act quickly on what they find.")
    document.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in extra_members:
                target.writestr(info.filename, source.read(info.filename))
        for name, data in extra_members.items():
            target.writestr(name, data)
    return packed.getvalue()


def bomb_document_xml(mb: int) -> bytes:
    """document.xml holding one paragraph of `mb` MB of spaces: packs about a thousandfold."""
    body = b" " * (mb * 2**20)
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body><w:p><w:r><w:t>" + body + b"</w:t></w:r></w:p></w:body></w:document>")


def test_a_word_document_packed_a_thousandfold_is_refused_before_it_is_unpacked():
    data = word_package(**{"word/document.xml": bomb_document_xml(3)})
    assert len(data) < 60_000
    with pytest.raises(ReadError) as e:
        read_bytes(data, "bomb.docx")
    message = str(e.value)
    assert message.startswith("bomb.docx: its part word/document.xml unpacks to 3.0 MB")
    assert "more than 100 times smaller packed than unpacked" in message
    assert "damaged" not in message


def test_a_word_document_whose_xml_is_over_the_limit_is_refused(monkeypatch):
    # Packing is ordinary here (random-looking digits), so the size limit is what refuses it.
    monkeypatch.setattr(limits, "MAX_XML_BYTES", 2**20)
    filler = "".join(str(i * 7919 % 10007) for i in range(300_000)).encode()
    data = word_package(**{"word/filler.xml": b"<x>" + filler + b"</x>"})
    with pytest.raises(ReadError, match=r"^notes\.docx: its text unpacks to .* of XML, over the 1\.0 MB limit"):
        read_bytes(data, "notes.docx")


def test_a_word_document_unpacking_to_too_much_in_all_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 50_000)
    data = word_package(**{"word/media/image1.bin": os.urandom(60_000)})
    with pytest.raises(ReadError, match=r"^big\.docx: it unpacks to .*, over the 0\.0 MB limit"):
        read_bytes(data, "big.docx")


def test_an_ordinary_word_document_is_still_read():
    raw = read_bytes(word_package(), "ok.docx")
    assert [b.text for b in raw.blocks] == ["Leaders know their services well and act quickly on what they find."]


def test_a_text_that_would_become_too_many_paragraphs_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PARAGRAPHS", 50)
    text = "".join(f"Paragraph {i} says something about the service.\n\n" for i in range(51))
    with pytest.raises(ReadError, match=r"^long\.txt: it holds 51 paragraphs, over the 50 limit for one document"):
        read_bytes(text.encode(), "long.txt")
    assert len(read_bytes(text.encode()[: text.index("Paragraph 50")], "short.txt").blocks) == 50


def test_a_text_over_the_character_limit_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 1000)
    with pytest.raises(ReadError, match=r"^notes\.md: it holds 1,001 characters of text, over the 1,000 limit"):
        read_bytes(b"#" + b"x" * 1000, "notes.md")


def test_html_nested_too_deep_is_refused_without_a_recursion_error():
    deep = b"<html><body>" + b"<div>" * 600 + b"<p>Deep.</p>" + b"</div>" * 600 + b"</body></html>"
    with pytest.raises(ReadError, match=r"^deep\.html: its HTML elements nest more than 200 deep"):
        read_bytes(deep, "deep.html")
    # The same inside a Markdown file's HTML block.
    with pytest.raises(ReadError, match=r"^deep\.md: its HTML elements nest more than 200 deep"):
        read_bytes(b"# Notes\n\n" + b"<div>" * 600 + b"x" + b"</div>" * 600 + b"\n", "deep.md")


def test_html_nested_within_the_limit_is_read():
    page = b"<html><body>" + b"<div>" * 150 + b"<p>Deep but fine.</p>" + b"</div>" * 150 + b"</body></html>"
    assert [b.text for b in read_bytes(page, "ok.html").blocks] == ["Deep but fine."]


def test_html_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_HTML_BYTES", 100)
    with pytest.raises(ReadError, match=r"^page\.html: it is 0\.0 MB of HTML, over the 0\.0 MB limit"):
        read_bytes(b"<html><body>" + b"<p>Text.</p>" * 20 + b"</body></html>", "page.html")


def test_a_fifo_is_refused_without_being_opened(tmp_path):
    fifo = tmp_path / "notes.txt"
    os.mkfifo(fifo)
    # Opening a FIFO with no writer blocks: reaching the assertion shows it was not opened.
    with pytest.raises(ReadError, match=r"notes\.txt is a named pipe \(FIFO\), not a regular file; it was not opened"):
        load_file(fifo)


def test_a_device_is_refused():
    with pytest.raises(ReadError, match=r"^/dev/zero is a character device, not a regular file"):
        load_file("/dev/zero")


def test_one_bad_file_of_each_kind_never_stops_the_others(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PARAGRAPHS", 50)
    files = tmp_path / "files"
    files.mkdir()
    (files / "good.md").write_text(GOOD)
    (files / "bomb.docx").write_bytes(word_package(**{"word/document.xml": bomb_document_xml(3)}))
    (files / "deep.html").write_bytes(b"<html><body>" + b"<div>" * 600 + b"x" + b"</div>" * 600 + b"</body></html>")
    (files / "long.txt").write_text("".join(f"Paragraph {i} about the service.\n\n" for i in range(60)))
    os.mkfifo(files / "pipe.txt")
    kb = KnowledgeBase(tmp_path / "home")
    report = kb.ingest([files, "/dev/zero"])
    assert len(report.added) == 1
    failed = dict(report.failed)
    assert set(failed) == {str(files / n) for n in ("bomb.docx", "deep.html", "long.txt")} | {"/dev/zero"}
    assert "character device" in failed["/dev/zero"]
    assert report.skipped == [(str(files / "pipe.txt"), "not a regular file (a FIFO, socket or device); it was not opened")]
    kb.close()


def test_links_inside_a_folder_are_reported_and_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.md").write_text(GOOD)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "own.md").write_text(GOOD.replace("Visit notes", "Our own notes"))
    (folder / "linked.md").symlink_to(outside / "private.md")
    (folder / "elsewhere").symlink_to(outside)
    kb = KnowledgeBase(tmp_path / "home")
    report = kb.ingest([folder])
    assert len(report.added) == 1 and not report.failed
    assert [path for path, _ in report.skipped] == [str(folder / "linked.md"), str(folder / "elsewhere")]
    assert all("links inside a folder are not followed" in why for _, why in report.skipped)
    # A link named on the command line is the user's choice: it is followed.
    assert len(kb.ingest([folder / "linked.md"]).added) == 1
    kb.close()


def test_the_command_line_prints_skipped_links(tmp_path, capsys):
    from kb.cli import main
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "own.md").write_text(GOOD)
    (folder / "linked.md").symlink_to(folder / "own.md")
    assert main(["--home", str(tmp_path / "home"), "ingest", str(folder)]) == 0
    assert f"skipped {folder / 'linked.md'}: a symbolic link" in capsys.readouterr().err
