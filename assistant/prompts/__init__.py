"""Prompt templates shipped as package data; read them with ``assistant.engines.prompting``."""
