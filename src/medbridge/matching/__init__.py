"""Chinese search over outcomes, organizations and needs, and supply–demand matching."""
