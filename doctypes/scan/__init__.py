"""Scans: every verification of a code, with where and when, and the clone assessment."""
