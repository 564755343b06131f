"""The map of Mali drawn as inline SVG from the vendored Natural Earth extract.

An equirectangular projection, its x axis scaled by the cosine of the map's middle
latitude, fitted to the extract's bounding box. No tiles, no script.
"""

import json
import math
from functools import lru_cache

from django import template
from django.contrib.staticfiles import finders

register = template.Library()

EXTRACT = "kidal/map/mali.json"
PIXELS_PER_DEGREE = 40


@lru_cache(maxsize=1)
def _extract():
    path = finders.find(EXTRACT)
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _frame():
    west, south, east, north = _extract()["bbox"]
    x_scale = math.cos(math.radians((south + north) / 2))
    width = (east - west) * x_scale * PIXELS_PER_DEGREE
    height = (north - south) * PIXELS_PER_DEGREE
    return west, north, x_scale, round(width), round(height)


def project(longitude, latitude):
    west, north, x_scale, _width, _height = _frame()
    x = (longitude - west) * x_scale * PIXELS_PER_DEGREE
    y = (north - latitude) * PIXELS_PER_DEGREE
    return round(x, 1), round(y, 1)


@lru_cache(maxsize=1)
def country_paths():
    """[(name, is_mali, path data)], neighbours first."""
    shapes = []
    for feature in _extract()["features"]:
        parts = []
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                points = [project(lon, lat) for lon, lat in ring]
                parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
        shapes.append(
            (feature["properties"]["name"], feature["properties"]["focus"], "".join(parts))
        )
    return shapes


def _overlaps(box, boxes):
    x1, y1, x2, y2 = box
    return any(x1 < b[2] and b[0] < x2 and y1 < b[3] and b[1] < y2 for b in boxes)


def markers(places, labels=True):
    """Places with coordinates, each with its x and y on the map and, where a label
    fits without covering another, where to write its name (busiest places first)."""
    _west, _north, _scale, width, height = _frame()
    result = []
    for place in places:
        if place.latitude is None or place.longitude is None:
            continue
        x, y = project(place.longitude, place.latitude)
        if 0 <= x <= width and 0 <= y <= height:
            result.append({"place": place, "x": x, "y": y, "label": False})
    if not labels:
        return result
    boxes = [(m["x"] - 6, m["y"] - 6, m["x"] + 6, m["y"] + 6) for m in result]
    for marker in sorted(result, key=lambda m: -(getattr(m["place"], "event_count", 0) or 0)):
        x, y = marker["x"], marker["y"]
        text_width = len(marker["place"].name) * 7.6 + 4
        for anchor, text_x, text_y, box in (
            ("start", x + 9, y + 5, (x + 8, y - 9, x + 8 + text_width, y + 7)),
            ("end", x - 9, y + 5, (x - 8 - text_width, y - 9, x - 8, y + 7)),
            ("middle", x, y - 10, (x - text_width / 2, y - 24, x + text_width / 2, y - 8)),
            ("middle", x, y + 22, (x - text_width / 2, y + 8, x + text_width / 2, y + 24)),
        ):
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            if inside and not _overlaps(box, boxes):
                boxes.append(box)
                marker.update(
                    label=True, anchor=anchor, label_x=round(text_x, 1), label_y=round(text_y, 1)
                )
                break
    return result


@register.inclusion_tag("events/_map.html")
def mali_map(places, labels=True, title=""):
    _west, _north, _scale, width, height = _frame()
    return {
        "countries": country_paths(),
        "markers": markers(places, labels),
        "width": width,
        "height": height,
        "labels": labels,
        "title": title,
    }
