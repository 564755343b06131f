"""Text typed by editors on its way out of the record: into XML and into spreadsheet cells.

Editors' text is stored as typed; what a reader's software would choke on or run is made
harmless here, where it leaves, so every XML output and every CSV export ask the same rule.
"""

import re

# Control characters: C0 (XML 1.0 cannot hold them, except tab, line feed and carriage
# return, which are kept), DEL and C1 (allowed by XML 1.0 but discouraged, and meaningless in
# prose), plus the code points XML 1.0 excludes outright (lone surrogates, U+FFFE, U+FFFF).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def xml_safe(text):
    """``text`` without the characters an XML document cannot (or should not) carry."""
    return CONTROL_CHARACTERS.sub("", text)


def spreadsheet_safe(text):
    """``text`` as a spreadsheet shows it but never runs it: a cell that would start a
    formula is prefixed with a single quote, as OWASP recommends."""
    text = str(text)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text
