"""One module per engine; the only place in Roost with engine-specific SQL."""
