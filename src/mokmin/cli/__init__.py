"""The ``mokmin`` command line: one module per command group."""
