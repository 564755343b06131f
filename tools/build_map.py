"""Build the small map extract the public site draws: Mali and its neighbours.

Reads Natural Earth's admin-0 country boundaries as distributed in TopoJSON by the
npm package world-atlas (countries-10m.json), decodes the arcs, keeps Mali and the
countries around it, simplifies the lines and writes a small GeoJSON file::

    mkdir /tmp/wa && cd /tmp/wa && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/build_map.py /tmp/wa/package/countries-10m.json kidal/static/kidal/map/mali.json

Natural Earth data is in the public domain; see kidal/static/kidal/map/NOTICE.
Only the Python standard library is needed.
"""

import argparse
import json
import math
from pathlib import Path

MALI = "466"
NEIGHBOURS = {
    "012": "Algeria",
    "562": "Niger",
    "854": "Burkina Faso",
    "384": "Côte d'Ivoire",
    "324": "Guinea",
    "686": "Senegal",
    "478": "Mauritania",
}
# The area drawn (west, south, east, north), in degrees: Mali with a margin.
BBOX = (-13.5, 9.5, 5.5, 25.5)


def decode_arcs(topology):
    scale_x, scale_y = topology["transform"]["scale"]
    translate_x, translate_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return points


def polygons(geometry, arcs):
    if geometry["type"] == "Polygon":
        return [[ring(arcs, r) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring(arcs, r) for r in polygon] for polygon in geometry["arcs"]]
    return []


def _distance(point, start, end):
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0, min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


def simplify(points, tolerance):
    """Douglas-Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, worst_index = 0.0, None
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                worst, worst_index = d, i
        if worst_index is not None and worst > tolerance:
            keep[worst_index] = True
            stack.extend([(first, worst_index), (worst_index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def in_bbox(polygon):
    west, south, east, north = BBOX
    return any(west - 5 <= x <= east + 5 and south - 5 <= y <= north + 5 for x, y in polygon[0])


def build(source, tolerance):
    topology = json.loads(Path(source).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = geometry.get("id")
        if code != MALI and code not in NEIGHBOURS:
            continue
        shapes = []
        for polygon in polygons(geometry, arcs):
            if not in_bbox(polygon):
                continue
            shapes.append(
                [[[round(x, 3), round(y, 3)] for x, y in simplify(r, tolerance)] for r in polygon]
            )
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"name": geometry["properties"]["name"], "focus": code == MALI},
                "geometry": {"type": "MultiPolygon", "coordinates": shapes},
            }
        )
    features.sort(key=lambda feature: feature["properties"]["focus"])
    return {
        "type": "FeatureCollection",
        "bbox": list(BBOX),
        "source": "Natural Earth 1:10m admin-0 countries (v4.1.0), via world-atlas 2.0.2",
        "features": features,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="world-atlas countries-10m.json")
    parser.add_argument("output", help="where to write the GeoJSON extract")
    parser.add_argument("--tolerance", type=float, default=0.02, help="in degrees")
    args = parser.parse_args()
    data = build(args.source, args.tolerance)
    Path(args.output).write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
