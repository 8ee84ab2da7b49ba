"""SIMULATIONS: the explain-away simulation of a hidden binary confounder and the time-ordering simulation; every number they give is from SIMULATED cohorts."""
