"""The web app: a Gradio front end over the guide and the index (``mentorcoach ui``)."""

import os

# Conversations about mentoring stay on this machine: no usage reports to Gradio's servers.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
