"""Microplomacy's assistant: retrieval, answers, register, funding, letters, UI, CLI."""

import os

# Offline first: Gradio otherwise phones home (version check, telemetry) from every Blocks
# it builds, whatever the Blocks' own argument says for the ones it builds inside.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
