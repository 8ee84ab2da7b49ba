"""Count imports written inside functions (all, or with a second argument only those of causal.*):

    python benchmarks/inner_imports.py causal [own]
"""
import ast
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
n = 0
files = 0
for p in root.rglob("*.py"):
    tree = ast.parse(p.read_text())
    seen = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for sub in ast.walk(node):
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    mod = sub.module if isinstance(sub, ast.ImportFrom) else sub.names[0].name
                    if len(sys.argv) < 3 or (mod or "").startswith("causal"):
                        seen.add(id(sub))
    c = len(seen)
    n += c
    files += bool(c)
print(f"{n} imports inside functions in {files} files")
