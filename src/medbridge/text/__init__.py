"""Text normalization for noisy Chinese articles."""
