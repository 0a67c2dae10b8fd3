from sqlalchemy.orm import Session

from kefu.nlu import extract_entities
from kefu.nlu.catalogue import catalogue_terms


def test_catalogue_terms_from_tau2_store_feed_entity_extraction(tau2_session: Session) -> None:
    products, options = catalogue_terms(tau2_session)
    assert "T-Shirt" in products and "Water Bottle" in products
    assert {"red", "1000ml", "XL"} <= set(options)
    ents = extract_entities(
        "exchange my red T-Shirt for XL and a 1000ml Water Bottle",
        known_products=products,
        known_options=options,
    )
    assert [(e.type, e.value) for e in ents] == [
        ("option", "red"),
        ("product", "T-Shirt"),
        ("option", "XL"),
        ("option", "1000ml"),
        ("product", "Water Bottle"),
    ]
