"""Postal addresses in customers' messages: parsed, validated, or resolved from their records.

A write must never store free text in a structured field. The address a customer types
("it should be 445 Maple Drive, Fort Worth, TX 76165, I'm moving before it's delivered")
is cut to the span that looks like an address, tagged by ``usaddress`` (a CRF model trained
on US addresses, well kept by DataMade) and accepted only when every field has its shape:
a street line starting with a number, a city in letters, a real US state (written or
inferred from the zip), a five-digit zip. Anything else is not an address, and the
customer is asked again.

Customers also name an address they already have instead of typing it: "the one on my
profile", "my default address", "the address of my other order", "my NYC address". Those
are resolved against the customer's own records only (their profile and their orders).
"""

from __future__ import annotations

import re
from typing import Any

from kefu.assistant._extract import Address

STATES = {
    "AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california",
    "CO": "colorado", "CT": "connecticut", "DE": "delaware", "DC": "district of columbia",
    "FL": "florida", "GA": "georgia", "HI": "hawaii", "ID": "idaho", "IL": "illinois",
    "IN": "indiana", "IA": "iowa", "KS": "kansas", "KY": "kentucky", "LA": "louisiana",
    "ME": "maine", "MD": "maryland", "MA": "massachusetts", "MI": "michigan",
    "MN": "minnesota", "MS": "mississippi", "MO": "missouri", "MT": "montana",
    "NE": "nebraska", "NV": "nevada", "NH": "new hampshire", "NJ": "new jersey",
    "NM": "new mexico", "NY": "new york", "NC": "north carolina", "ND": "north dakota",
    "OH": "ohio", "OK": "oklahoma", "OR": "oregon", "PA": "pennsylvania",
    "RI": "rhode island", "SC": "south carolina", "SD": "south dakota", "TN": "tennessee",
    "TX": "texas", "UT": "utah", "VT": "vermont", "VA": "virginia", "WA": "washington",
    "WV": "west virginia", "WI": "wisconsin", "WY": "wyoming", "PR": "puerto rico",
}  # fmt: skip
_BY_NAME = {name: code for code, name in STATES.items()}

# first three zip digits -> state (USPS prefix ranges; facts, for a zip given without state)
_ZIP3 = (
    (5, 5, "NY"), (6, 9, "PR"), (10, 27, "MA"), (28, 29, "RI"), (30, 38, "NH"),
    (39, 49, "ME"), (50, 54, "VT"), (55, 55, "MA"), (56, 59, "VT"), (60, 69, "CT"),
    (70, 89, "NJ"), (100, 149, "NY"), (150, 196, "PA"), (197, 199, "DE"), (200, 200, "DC"),
    (201, 201, "VA"), (202, 205, "DC"), (206, 219, "MD"), (220, 246, "VA"), (247, 268, "WV"),
    (270, 289, "NC"), (290, 299, "SC"), (300, 319, "GA"), (320, 349, "FL"), (350, 369, "AL"),
    (370, 385, "TN"), (386, 397, "MS"), (398, 399, "GA"), (400, 427, "KY"), (430, 459, "OH"),
    (460, 479, "IN"), (480, 499, "MI"), (500, 528, "IA"), (530, 549, "WI"), (550, 567, "MN"),
    (570, 577, "SD"), (580, 588, "ND"), (590, 599, "MT"), (600, 629, "IL"), (630, 658, "MO"),
    (660, 679, "KS"), (680, 693, "NE"), (700, 714, "LA"), (716, 729, "AR"), (730, 749, "OK"),
    (750, 799, "TX"), (800, 816, "CO"), (820, 831, "WY"), (832, 838, "ID"), (840, 847, "UT"),
    (850, 865, "AZ"), (870, 884, "NM"), (885, 885, "TX"), (889, 898, "NV"), (900, 961, "CA"),
    (967, 968, "HI"), (970, 979, "OR"), (980, 994, "WA"), (995, 999, "AK"),
)  # fmt: skip

_SPAN = re.compile(
    r"(?<![\w#])\d{1,6}\s+[A-Za-z][^\n]*?(?<!\d)\d{5}(?:-\d{4})?(?!\d)"
    r"(?:[\s,，]+(?:USA|US|U\.S\.A?\.?|United States(?: of America)?|美国))?",
    re.I,
)
_CITY = re.compile(r"^[A-Za-z][A-Za-z .'-]{1,40}$")
_STREET = re.compile(r"^\d{1,6}[A-Za-z]?\s+[A-Za-z0-9 .'#-]{2,60}$")


def state_for_zip(zip_code: str) -> str | None:
    """The US state a zip code belongs to, from its first three digits."""
    prefix = int(zip_code[:3])
    for low, high, state in _ZIP3:
        if low <= prefix <= high:
            return state
    return None


def _state_code(raw: str) -> str | None:
    raw = raw.strip(" .,")
    if raw.upper() in STATES:
        return raw.upper()
    return _BY_NAME.get(raw.lower())


def parse_address(text: str) -> Address | None:
    """The US address written in ``text``, every field validated; None when there is none."""
    import usaddress

    for match in _SPAN.finditer(text):
        span = match.group(0)
        # the street number closest before the zip starts the address ("I'm at 2 ... 445 Maple")
        starts = [m.start() for m in re.finditer(r"(?<![\w#])\d{1,6}\s+[A-Za-z]", span)]
        for start in starts:
            found = _tagged(usaddress, span[start:])
            if found is not None:
                return found
    return None


def _tagged(usaddress: Any, span: str) -> Address | None:
    try:
        tokens = usaddress.parse(span)
    except Exception:  # the tagger refuses odd strings: not an address then
        return None
    fields: dict[str, list[str]] = {}
    for token, tag in tokens:
        fields.setdefault(tag, []).append(token.strip(" ,，"))
    street_tags = (
        "AddressNumber", "StreetNamePreDirectional", "StreetNamePreModifier",
        "StreetNamePreType", "StreetName", "StreetNamePostType", "StreetNamePostDirectional",
    )  # fmt: skip
    unit_tags = ("OccupancyType", "OccupancyIdentifier", "SubaddressType", "SubaddressIdentifier")
    street = " ".join(w for tag in street_tags for w in fields.get(tag, []) if w)
    unit = " ".join(w for tag in unit_tags for w in fields.get(tag, []) if w)
    city = " ".join(fields.get("PlaceName", []))
    zips = fields.get("ZipCode", [])
    zip_code = zips[0][:5] if zips else ""
    raw_state = " ".join(fields.get("StateName", []))
    if not re.fullmatch(r"\d{5}", zip_code) or not _STREET.match(street):
        return None
    state = _state_code(raw_state) if raw_state else state_for_zip(zip_code)
    if not raw_state and city.lower() == "washington" and zip_code.startswith("20"):
        state = "DC"
    if state is None and raw_state and city:
        # "New York NY" tagged as one place: split a trailing state off the city
        state = _state_code(raw_state.split()[-1])
    if state is None or not _CITY.match(city):
        return None
    extra = set(fields) - {*street_tags, *unit_tags, "PlaceName", "StateName", "ZipCode"}
    if extra - {"CountryName", "Recipient", "NotAddress"} or "Recipient" in extra:
        return None  # free text inside the span: not a clean address
    return Address(street, unit, city.title() if city.islower() else city, state, zip_code, "USA")


PROFILE_WORDS = re.compile(
    r"(?<!new )\b(?:default|profile|account|on file|usual|registered|saved)\b.{0,20}address"
    r"|\baddress\b.{0,25}\b(?:on (?:my |the )?(?:profile|account|file)|i have on file)"
    r"|\bone on (?:my |the )?(?:profile|account|file)\b|\bmy profile\b"
    r"|(?:默认|账户|账号|资料|个人信息|个人|注册)(?:上|里|中)?(?:的那个|那个|的)?(?:收货)?地址|家里的地址",
    re.I,
)
ORDER_WORDS = re.compile(
    r"\b(?:other|another|previous|last|earlier|different)\s+order\b|\baddress\b.{0,30}\border\b"
    r"|\border\b.{0,30}\baddress\b|\bsame address\b"
    r"|\bsame as (?:on |in |for )?(?:my |the )?\w+(?: \w+)? order\b"
    r"|\blike (?:on |in )?(?:my |the )?\w+(?: \w+)? order\b"
    r"|其他订单|另一个订单|别的订单|之前的订单|订单(?:里|上)的地址|(?:跟|和|同).{1,12}(?:那单|那个订单|的订单)一样",
    re.I,
)


def known_addresses(user: dict[str, Any], orders: list[dict[str, Any]]) -> list[Address]:
    """The customer's own addresses: their profile's, then each order's, without repeats."""
    found: list[Address] = []
    for raw in [user.get("address")] + [o.get("address") for o in orders]:
        if not isinstance(raw, dict):
            continue
        addr = Address(
            str(raw.get("address1", "")),
            str(raw.get("address2", "")),
            str(raw.get("city", "")),
            str(raw.get("state", "")),
            str(raw.get("zip", "")),
            str(raw.get("country", "")),
        )
        if addr.address1 and addr not in found:
            found.append(addr)
    return found


_CITY_NICKNAMES = {
    "nyc": "new york",
    "dc": "washington",
    "la": "los angeles",
    "sf": "san francisco",
}


def resolve_places(text: str, addresses: list[Address]) -> list[Address]:
    """The addresses among ``addresses`` whose city, street or state the text names."""
    return _named_places(text, addresses)


def _named_places(text: str, addresses: list[Address]) -> list[Address]:
    low = f" {text.lower()} "
    for nick, city in _CITY_NICKNAMES.items():
        low = re.sub(rf"(?<![a-z]){nick}(?![a-z])", city, low)
    hits = []
    for addr in addresses:
        city = addr.city.lower()
        street = re.sub(r"^\d+\s+", "", addr.address1.lower())
        state_name = STATES.get(addr.state, "")
        if (
            (city and re.search(rf"(?<![a-z]){re.escape(city)}(?![a-z])", low))
            or (street and re.search(rf"(?<![a-z]){re.escape(street)}(?![a-z])", low))
            or (state_name and re.search(rf"(?<![a-z]){re.escape(state_name)}(?![a-z])", low))
        ):
            hits.append(addr)
    return hits


def resolve_address(
    text: str,
    user: dict[str, Any],
    orders: list[dict[str, Any]],
    *,
    current_order: dict[str, Any] | None = None,
) -> Address | None:
    """The address ``text`` points to among the customer's own records, when exactly one fits.

    "the one on my profile" → the profile's; "my other order's address" → the one address of
    their other orders that differs from the current order's; "my NYC address" / "the
    Chicago one" → the one known address in that city, street or state.
    """
    known = known_addresses(user, orders)
    current = known_addresses({"address": (current_order or {}).get("address")}, [])
    places = [a for a in _named_places(text, known) if a not in current]
    if len({(a.address1, a.zip) for a in places}) == 1:
        return places[0]
    if ORDER_WORDS.search(text):
        others = [
            a
            for a in known_addresses({}, [o for o in orders if o is not current_order])
            if a not in current
        ]
        if len(others) == 1:
            return others[0]
    if PROFILE_WORDS.search(text) and user.get("address"):
        profile = known_addresses(user, [])
        return profile[0] if profile else None
    return None
