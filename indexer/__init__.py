"""From a file to clean, cited paragraphs and the facts of their document: readers,
segmentation, metadata. A leaf: it imports nothing from kb/ or web/ (tests/test_engine.py)."""
