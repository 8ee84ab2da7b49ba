"""Tipping points: a binary or normal unmeasured confounder on the risk-ratio or coefficient scale (Lin, Psaty & Kronmal 1998), and the delta-adjusted tipping point of a missing outcome."""
