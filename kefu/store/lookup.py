"""How a customer is found by what they tell us: one definition for the order tools and the
built-in store backend."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func

from kefu.store.models import Customer


def email_matches(email: str) -> tuple[ColumnElement[bool], ...]:
    """A live customer with this email, compared ignoring case."""
    return (func.lower(Customer.email) == email.lower(), Customer.deleted_at.is_(None))


def name_zip_matches(first_name: str, last_name: str, zip: str) -> tuple[ColumnElement[bool], ...]:
    """A live customer with this name (ignoring case) and exactly this zip code."""
    return (
        func.lower(Customer.first_name) == first_name.lower(),
        func.lower(Customer.last_name) == last_name.lower(),
        Customer.zip == zip,
        Customer.deleted_at.is_(None),
    )
