"""Rehearsal: the scenario library learners practise hard conversations with, and its exports."""
