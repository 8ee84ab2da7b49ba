"""Negative controls: the empirical null fitted to negative-control estimates, calibrated p-values and confidence intervals (Schuemie et al. 2014, 2018), and calibration of a study's estimate."""
