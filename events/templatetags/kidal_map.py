"""The map of Mali drawn as inline SVG from the vendored Natural Earth extract.

An equirectangular projection, its x axis scaled by the cosine of the map's middle
latitude, fitted to the extract's bounding box. No tiles, no script.
"""

import json
import math
from collections import defaultdict
from functools import lru_cache

from django import template
from django.contrib.staticfiles import finders
from django.utils.translation import ngettext

register = template.Library()

EXTRACT = "kidal/map/mali.json"
PIXELS_PER_DEGREE = 40
# The Kidal region, from Gao and Bourem to Tessalit and Tinzaouaten (west, south, east,
# north): most of the offensive's places crowd into a corner of the whole country's map.
KIDAL_AREA = (-1.2, 15.6, 3.6, 20.7)
# About 390 units wide: drawn across a 360-pixel phone, its labels keep their size.
KIDAL_AREA_PIXELS_PER_DEGREE = 85
# Label font sizes in map units, by CSS class. The whole country drawn across a phone is
# shrunk to less than half, so it gets a layout of its own with fewer, larger names.
LABELS = {"label": 14}
PHONE_LABELS = {"label-wide": 14, "label-phone": 26}
CHARACTER_WIDTH = 0.543  # of the font size, for the system sans-serif


@lru_cache(maxsize=1)
def _extract():
    path = finders.find(EXTRACT)
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class Frame:
    """An equirectangular projection of a box of longitudes and latitudes."""

    def __init__(self, west, south, east, north, pixels_per_degree):
        self.west, self.south, self.east, self.north = west, south, east, north
        self.scale = pixels_per_degree
        self.x_scale = math.cos(math.radians((south + north) / 2))
        self.width = round((east - west) * self.x_scale * pixels_per_degree)
        self.height = round((north - south) * pixels_per_degree)

    def project(self, longitude, latitude):
        x = (longitude - self.west) * self.x_scale * self.scale
        y = (self.north - latitude) * self.scale
        return round(x, 1), round(y, 1)

    def overlaps_box(self, west, south, east, north):
        return west < self.east and self.west < east and south < self.north and self.south < north


@lru_cache(maxsize=1)
def mali_frame():
    return Frame(*_extract()["bbox"], PIXELS_PER_DEGREE)


@lru_cache(maxsize=1)
def kidal_area_frame():
    return Frame(*KIDAL_AREA, KIDAL_AREA_PIXELS_PER_DEGREE)


def _feature_box(feature):
    points = [
        point
        for polygon in feature["geometry"]["coordinates"]
        for ring in polygon
        for point in ring
    ]
    longitudes = [lon for lon, _lat in points]
    latitudes = [lat for _lon, lat in points]
    return min(longitudes), min(latitudes), max(longitudes), max(latitudes)


@lru_cache(maxsize=4)
def country_paths(frame=None):
    """[(name, is_mali, path data)], neighbours first; only the countries the frame shows."""
    frame = frame or mali_frame()
    shapes = []
    for feature in _extract()["features"]:
        if not frame.overlaps_box(*_feature_box(feature)):
            continue
        parts = []
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                points = _clipped([frame.project(lon, lat) for lon, lat in ring], frame)
                if points:
                    parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
        shapes.append(
            (feature["properties"]["name"], feature["properties"]["focus"], "".join(parts))
        )
    return shapes


# How far past the frame's edges shapes are kept: their outlines' stroke stays out of view.
CLIP_MARGIN = 8


def _clipped(points, frame):
    """The ``points`` of a closed ring cut to the frame (plus a margin), by the
    Sutherland–Hodgman algorithm: the neighbours' shapes reach far beyond the map, and the
    parts that nobody sees made up most of the page."""
    low_x = low_y = -CLIP_MARGIN
    high_x, high_y = frame.width + CLIP_MARGIN, frame.height + CLIP_MARGIN
    edges = (
        (lambda p: p[0] >= low_x, lambda a, b: _at_x(a, b, low_x)),
        (lambda p: p[0] <= high_x, lambda a, b: _at_x(a, b, high_x)),
        (lambda p: p[1] >= low_y, lambda a, b: _at_y(a, b, low_y)),
        (lambda p: p[1] <= high_y, lambda a, b: _at_y(a, b, high_y)),
    )
    for inside, crossing in edges:
        if not points:
            break
        kept = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    kept.append(crossing(previous, point))
                kept.append(point)
            elif inside(previous):
                kept.append(crossing(previous, point))
            previous = point
        points = kept
    return [(round(x, 1), round(y, 1)) for x, y in points]


def _at_x(a, b, x):
    return x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])


def _at_y(a, b, y):
    return a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y


class _Occupied:
    """The boxes already drawn on a map, filed by grid cell: a new box is tested against
    its neighbours only, not against every name on the map (hundreds of places)."""

    CELL = 64

    def __init__(self, boxes=()):
        self.cells = defaultdict(list)
        for box in boxes:
            self.add(box)

    def _cells(self, box):
        x1, y1, x2, y2 = box
        for column in range(int(x1 // self.CELL), int(x2 // self.CELL) + 1):
            for row in range(int(y1 // self.CELL), int(y2 // self.CELL) + 1):
                yield column, row

    def add(self, box):
        for cell in self._cells(box):
            self.cells[cell].append(box)

    def overlaps(self, box):
        x1, y1, x2, y2 = box
        return any(
            x1 < b[2] and b[0] < x2 and y1 < b[3] and b[1] < y2
            for cell in self._cells(box)
            for b in self.cells.get(cell, ())
        )


def _place_labels(result, frame, css_class, size):
    """Where to write each name without covering another name or marker (busiest first)."""
    boxes = _Occupied((m["x"] - 6, m["y"] - 6, m["x"] + 6, m["y"] + 6) for m in result)
    gap, rise, drop = size * 0.6, size * 0.65, size * 0.35
    for marker in sorted(result, key=lambda m: -(getattr(m["place"], "event_count", 0) or 0)):
        x, y = marker["x"], marker["y"]
        half = (len(marker["place"].name) * size * CHARACTER_WIDTH + 4) / 2
        right, left = x + gap, x - gap
        for anchor, text_x, text_y, box in (
            ("start", right, y + drop, (right - 1, y - rise, right + 2 * half, y + drop + 2)),
            ("end", left, y + drop, (left - 2 * half, y - rise, left + 1, y + drop + 2)),
            ("middle", x, y - 10, (x - half, y - 10 - size, x + half, y - 8)),
            ("middle", x, y + 8 + size, (x - half, y + 8, x + half, y + 10 + size)),
        ):
            x1, y1, x2, y2 = box
            inside = x1 >= 0 and x2 <= frame.width and y1 >= 0 and y2 <= frame.height
            if inside and not boxes.overlaps(box):
                boxes.add(box)
                marker["labels"].append(
                    {
                        "css_class": css_class,
                        "anchor": anchor,
                        "x": round(text_x, 1),
                        "y": round(text_y, 1),
                    }
                )
                break


def _marker_title(place):
    """The name and event count a pointer resting on the marker shows (built here, once per
    marker, rather than by the template: a map holds hundreds)."""
    count = getattr(place, "event_count", 0)
    if not count:
        return place.name
    events = ngettext("%(counter)s event", "%(counter)s events", count) % {"counter": count}
    return f"{place.name} — {events}"


def markers(places, labels=True, frame=None, sizes=None):
    """Places with coordinates inside the frame, each with its x and y on the map and, for
    each label size, where its name fits without covering another (if it does)."""
    frame = frame or mali_frame()
    result = []
    for place in places:
        if place.latitude is None or place.longitude is None:
            continue
        x, y = frame.project(place.longitude, place.latitude)
        if 0 <= x <= frame.width and 0 <= y <= frame.height:
            result.append(
                {
                    "place": place,
                    "url": place.get_absolute_url(),
                    "title": _marker_title(place),
                    "x": x,
                    "y": y,
                    "labels": [],
                }
            )
    if labels:
        for css_class, size in (sizes or LABELS).items():
            _place_labels(result, frame, css_class, size)
    return result


def _map(places, frame, labels, sizes, title, **extra):
    return {
        "countries": country_paths(frame),
        "markers": markers(places, labels, frame, sizes),
        "width": frame.width,
        "height": frame.height,
        "title": title,
        **extra,
    }


@register.inclusion_tag("events/_map.html")
def mali_map(places, labels=True, title="", show_kidal_area=False):
    frame = mali_frame()
    area = None
    if show_kidal_area:
        x1, y1 = frame.project(KIDAL_AREA[0], KIDAL_AREA[3])
        x2, y2 = frame.project(KIDAL_AREA[2], KIDAL_AREA[1])
        area = {"x": x1, "y": y1, "width": round(x2 - x1, 1), "height": round(y2 - y1, 1)}
    return _map(places, frame, labels, PHONE_LABELS, title, area=area, borders_note=True)


@register.inclusion_tag("events/_map.html")
def kidal_area_map(places, title=""):
    return _map(places, kidal_area_frame(), True, LABELS, title, inset=True)
