"""bont model v2: the Python reference (docs/model.md, docs/spread.md)."""
