"""From a file to clean, cited paragraphs: readers, segmentation, metadata, indexing."""
