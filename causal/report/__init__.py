"""Refutation reports: sections built from a study, rendered to Markdown, HTML and JSON."""

from causal.report.build import build_report, check_skip, default_out_dir, write_report

__all__ = ["build_report", "check_skip", "default_out_dir", "write_report"]
