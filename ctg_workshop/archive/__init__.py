"""The workshop archive (`shared/spec/archive-format.md`): one JSON file holds one workshop whole."""
