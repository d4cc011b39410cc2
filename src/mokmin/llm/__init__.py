"""Language-model backends behind one contract: ``stream(messages, options) -> Iterator[str]``."""
