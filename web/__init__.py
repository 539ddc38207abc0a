"""The browser app: Flask pages over the knowledge base (`kb serve`)."""
