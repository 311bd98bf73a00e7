"""The quality suite behind ``mentorcoach eval``: cases, runner, metrics, report, baseline."""
