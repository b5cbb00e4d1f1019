"""Benchmarks that print numbers and assert nothing; run each as a module from the repository root,
e.g. `python -m bench.live_page`, so `playground` and `devtools` import without path edits."""
