"""Lightsail Guard: keeps AWS Lightsail instances inside their monthly data-transfer allowance."""

__version__ = "0.1.0"
