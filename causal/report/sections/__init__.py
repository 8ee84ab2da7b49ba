"""Report sections, in the order they appear. Each module has ``build(ctx) -> Section | None``.

To add a section: write ``causal/report/sections/<name>.py`` with a ``build`` function and add
its module name to :data:`SECTION_MODULES: list[str] = [
    "claim",
    "audit",
    "graph",
    "estimates",
    "heterogeneity",
    "refutations",
    "evalue",
    "sensitivity",
    "individual_sensitivity",
    "explain_away",
]
