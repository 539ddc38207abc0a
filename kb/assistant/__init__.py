"""The assistant: answers, evidence packs and comparisons made only by selecting and
arranging stored evidence; no text is generated, so every sentence has a source."""
from importlib import import_module

# Loaded on first use (PEP 562), so that `kb` commands other than these start quickly.
_EXPORTS = {"Answer": "ask", "ask": "ask", "Comparison": "compare", "compare": "compare",
            "Pack": "pack", "pack": "pack", "THEMES": "themes"}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"kb.assistant.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
