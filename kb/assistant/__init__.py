"""The assistant: answers, evidence packs and comparisons made only by selecting and
arranging stored evidence; no text is generated, so every sentence has a source."""
from kb.assistant.ask import Answer, ask
from kb.assistant.compare import Comparison, compare
from kb.assistant.pack import Pack, pack
from kb.assistant.themes import THEMES

__all__ = ["Answer", "ask", "Comparison", "compare", "Pack", "pack", "THEMES"]
