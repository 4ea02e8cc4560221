"""MedBridge (医桥): medical technology transfer platform."""

__version__ = "0.1.0"
