"""Organizations of every kind, their aliases and people."""
