"""The transfer pipeline: deals with dated stage events, cycle-time analytics, incubation."""
