"""The site's icon: every kind of page links to it, /favicon.ico (asked by browsers and feed
readers whatever a page links to) leads to it, and both files are what they claim to be."""

import struct
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("path", ["/", "/events/", "/admin/login/", "/api/v1/docs/", "/nowhere/"])
def test_every_kind_of_page_links_to_the_icon(client, path):
    html = client.get(path).content.decode()
    assert f'<link rel="icon" href="{static("kidal/favicon.svg")}" type="image/svg+xml">' in html
    assert f'href="{static("kidal/favicon.ico")}"' in html


def test_favicon_ico_leads_to_the_static_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("kidal/favicon.ico")


def test_the_ico_holds_a_16_and_a_32_pixel_png():
    data = open(finders.find("kidal/favicon.ico"), "rb").read()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 2)
    for index, side in enumerate((16, 32)):
        entry = struct.unpack_from("<BBBBHHII", data, 6 + 16 * index)
        width, height, _, _, _, bits, size, offset = entry
        assert (width, height, bits) == (side, side, 32)
        image = data[offset : offset + size]
        assert image.startswith(b"\x89PNG\r\n\x1a\n")
        assert struct.unpack(">II", image[16:24]) == (side, side)


def test_the_svg_is_a_square_drawing():
    root = ET.parse(finders.find("kidal/favicon.svg")).getroot()
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 32 32"
