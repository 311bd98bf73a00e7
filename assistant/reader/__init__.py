"""The reader: what a user message says, read before any policy step acts on it."""
