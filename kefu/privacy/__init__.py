"""Customer data rights (PIPL/GDPR-style): export everything held about a person, erase it.

Public surface: :func:`export_customer`, :func:`erase_customer`, :class:`CustomerNotFound`.
"""

from kefu.privacy.service import CustomerNotFound, ErasureResult, erase_customer, export_customer

__all__ = ["CustomerNotFound", "ErasureResult", "erase_customer", "export_customer"]
