"""Accounts, roles scoped to organizations, confidentiality of outcomes, and the audit trail."""
