"""The industry chain (产业链): chains and their segments, who sits where, coverage and choke
points per region or park, attraction targets for the gaps, and cluster figures with sources."""
