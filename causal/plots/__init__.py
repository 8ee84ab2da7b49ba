"""Plots. Each takes ``ax=None`` and returns the Axes it drew on; matplotlib is imported only
when a plot is drawn. The data each plot shows come from a pure function that tests check."""
