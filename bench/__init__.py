"""The onsale benchmark behind `make bench` (see docs/benchmarks.md). Never imported by the application."""
