"""Mokmin on the web: the staff workspace, the citizen chat and the API (``mokmin serve``)."""
