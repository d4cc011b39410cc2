"""보도자료: briefs, facts, the official skeleton and its rendering."""
