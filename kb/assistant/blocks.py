"""One layout, two renderings: the assistant lays a document out as (kind, text) blocks,
the kinds kb.docx_writer understands, and renders them as Markdown here or as Word there,
so the two files always say the same thing."""
from __future__ import annotations


def cite_text(item: dict) -> str:
    """A sentence's source as a reader follows it back: document, date, page, paragraph
    number and the paragraph id that `kb show` prints."""
    parts = [item.get("title") or item["doc_id"], item.get("date") or "undated"]
    if item.get("page"):
        parts.append(f"p.{item['page']}")
    if item.get("number") is not None:
        parts.append(f"para {item['number']}")
    return ", ".join(parts) + f" [{item['paragraph_id']}]"


_VOICE_KIND = {"inspectors": "inspector", "authority": "ours"}


def quoted(item: dict) -> list[tuple[str, str]]:
    """A sentence of evidence as blocks: the words verbatim, in the kind of its voice
    (inspectors' or the authority's own), then where they come from."""
    return [(_VOICE_KIND.get(item.get("voice"), "quote"), item["text"]), ("cite", cite_text(item))]


QUOTE_KINDS = ("quote", "inspector", "ours")
_PREFIX = {"h1": "## ", "h2": "### ", "h3": "#### ", "bullet": "- ", "quote": "> ", "inspector": "> ",
           "ours": "> ", "p": "", "cite": "— "}


def to_markdown(title: str, blocks: list[tuple[str, str]]) -> str:
    """Markdown for the blocks under `title`; a list's items stay together, a citation
    sits right under the quotation it belongs to."""
    lines = [f"# {title}"]
    previous = None
    for kind, text in blocks:
        text = " ".join(text.split())
        if kind == "cite" and previous in QUOTE_KINDS:
            lines += [">", f"> — *{text}*"]
        else:
            if not (kind == "bullet" and previous == "bullet"):
                lines.append("")
            lines.append(_PREFIX[kind] + (f"*{text}*" if kind == "cite" else text))
        previous = kind
    return "\n".join(lines) + "\n"
