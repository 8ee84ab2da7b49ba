"""Robustness of inference to replacement (RIR) and the impact threshold of a confounding variable (ITCV): linear and logistic coefficients and 2x2 tables (Frank 2000; Frank et al. 2013, 2021)."""
