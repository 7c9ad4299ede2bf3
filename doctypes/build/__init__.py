"""Builds: components consumed and finished units produced from a BOM, in one transaction."""
