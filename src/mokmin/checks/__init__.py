"""Deterministic checkers. Each returns a list of :class:`~mokmin.checks.finding.Finding`."""
