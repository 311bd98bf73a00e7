"""Privacy: patient identifiers never leave the message they arrived in."""
