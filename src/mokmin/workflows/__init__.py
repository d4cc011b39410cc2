"""One plain function per job: retrieval, the model and the checkers, in a fixed order."""
