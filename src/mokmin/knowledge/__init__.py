"""The city's knowledge base: reading documents, Korean search and citations."""
