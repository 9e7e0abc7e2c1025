"""The instructor's pipeline: build and prove the release, grade a class, feedback, report.

Grading never imports explorers or plots' widget code (DESIGN.md).
"""
