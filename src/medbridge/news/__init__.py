"""News and policy intelligence: articles in, organizations/people/events out, reviewed by analysts."""
