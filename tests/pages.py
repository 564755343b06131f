"""The public pages that need no entry's address: the pages tests walk in Chromium (policy,
phone layout) and with hostile text in every field. Each test adds the entry pages it
reaches from these."""

PUBLIC_PAGES = [
    "/",
    "/events/",
    "/claims/",
    "/actors/",
    "/places/",
    "/sources/",
    "/map/",
    "/search/?q=Kidal",
    "/corrections/",
    "/exports/",
]
