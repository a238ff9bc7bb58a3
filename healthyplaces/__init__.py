"""Healthy Places West Yorkshire: who can reach healthy environments, and who cannot."""

__version__ = "0.1.0"
