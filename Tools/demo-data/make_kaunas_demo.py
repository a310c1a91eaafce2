#!/usr/bin/env python3
"""Build the demo city Data/demo/kaunas-seniunijos.geojson.

The 11 elderships (seniūnijos) of Kaunas, drawn coarsely: a hand-drawn city
outline is cut into a Voronoi diagram of approximate eldership centres. The
result is NOT an official boundary; it is demo data that tiles the outline
exactly (no gaps, no overlaps, shared edges with identical coordinates).

Usage:  pip install "shapely>=2.1" pyproj
        python3 Tools/demo-data/make_kaunas_demo.py [OUTPUT]
"""
import json
import sys
from pathlib import Path

import pyproj
import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon, mapping, shape

# Rough outline of Kaunas city municipality (lon, lat), counter-clockwise,
# starting at the western tip (Vilijampolė) and going south, east, north.
OUTLINE = [
    (23.800, 54.905), (23.812, 54.890), (23.830, 54.880), (23.838, 54.862),
    (23.850, 54.845), (23.872, 54.833), (23.900, 54.830), (23.925, 54.838),
    (23.945, 54.848), (23.965, 54.852), (23.990, 54.850), (24.010, 54.858),
    (24.035, 54.866), (24.060, 54.875), (24.058, 54.890), (24.040, 54.900),
    (24.020, 54.905), (24.010, 54.918), (24.000, 54.930), (23.985, 54.945),
    (23.970, 54.955), (23.950, 54.962), (23.925, 54.970), (23.900, 54.968),
    (23.880, 54.962), (23.860, 54.955), (23.840, 54.945), (23.828, 54.935),
    (23.818, 54.925), (23.808, 54.915),
]

# (code, name, name_en, approximate centre lon, lat), in output order.
ELDERSHIPS = [
    ("centras", "Centras", "Centras", 23.905, 54.897),
    ("zaliakalnis", "Žaliakalnis", "Zaliakalnis", 23.935, 54.907),
    ("dainava", "Dainava", "Dainava", 23.975, 54.915),
    ("eiguliai", "Eiguliai", "Eiguliai", 23.945, 54.932),
    ("silainiai", "Šilainiai", "Silainiai", 23.875, 54.933),
    ("vilijampole", "Vilijampolė", "Vilijampole", 23.872, 54.912),
    ("aleksotas", "Aleksotas", "Aleksotas", 23.885, 54.870),
    ("sanciai", "Šančiai", "Sanciai", 23.940, 54.878),
    ("panemune", "Panemunė", "Panemune", 23.975, 54.873),
    ("petrasiunai", "Petrašiūnai", "Petrasiunai", 24.015, 54.885),
    ("griciupis", "Gričiupis", "Griciupis", 23.965, 54.895),
]

DECIMALS = 6


def rounded(geom):
    """Round every coordinate to DECIMALS. Identical input coordinates give
    identical output, so edges shared by two cells stay bit-identical."""
    return shapely.transform(geom, lambda xy: xy.round(DECIMALS))


def build():
    outline = Polygon(OUTLINE)
    assert outline.is_valid
    centres = MultiPoint([(lon, lat) for *_, lon, lat in ELDERSHIPS])
    cells = shapely.voronoi_polygons(centres, extend_to=outline).geoms
    districts = []
    for code, name, name_en, lon, lat in ELDERSHIPS:
        # Match each Voronoi cell to its centre instead of trusting the order.
        (cell,) = [c for c in cells if c.contains(Point(lon, lat))]
        part = rounded(cell.intersection(outline))
        assert part.geom_type == "Polygon", (code, part.geom_type)
        # RFC 7946: shells counter-clockwise (holes would be clockwise).
        districts.append((code, name, name_en, shapely.orient_polygons(part)))
    return districts


def noded_outline(polys):
    """The drawn outline with the (rounded) points where district borders
    meet it inserted as vertices. Rounding moves those points up to ~5 cm off
    the drawn edge, so this, not OUTLINE itself, is what the districts tile."""
    verts = {v for p in polys for v in p.exterior.coords}
    ring = []
    for a, b in zip(OUTLINE, OUTLINE[1:] + OUTLINE[:1]):
        edge = LineString([a, b])
        on = [v for v in verts if v not in (a, b) and edge.distance(Point(v)) < 1e-6]
        ring += [a] + sorted(on, key=lambda v: edge.project(Point(v)))
    return Polygon(ring)


def verify(polys):
    """Raise if the districts do not tile the outline exactly."""
    to_lks94 = pyproj.Transformer.from_crs(4326, 3346, always_xy=True)
    metric = lambda g: shapely.transform(g, to_lks94.transform, interleaved=False)
    outline = noded_outline(polys)
    for p in polys:
        assert p.is_valid and p.exterior.is_ccw
    union = metric(shapely.union_all(polys))
    diff = union.symmetric_difference(metric(outline)).area
    assert diff < 1.0, f"union differs from outline by {diff} m²"
    drift = metric(outline).symmetric_difference(metric(Polygon(OUTLINE))).area
    for i in range(len(polys)):
        for j in range(i + 1, len(polys)):
            assert polys[i].intersection(polys[j]).area == 0.0
            assert metric(polys[i]).intersection(metric(polys[j])).area == 0.0
            # No T-junctions: a vertex of one ring lying on a neighbour's
            # ring must be a vertex of that ring too (bit-identical).
            for a, b in ((polys[i], polys[j]), (polys[j], polys[i])):
                bverts = set(b.exterior.coords)
                for v in a.exterior.coords:
                    if b.exterior.distance(Point(v)) < 1e-9:
                        assert v in bverts, (v, "is a T-junction")
    return diff, drift


def write(path, districts):
    # One feature per line keeps the file small, readable and diff-friendly.
    lines = []
    for code, name, name_en, poly in districts:
        feature = {
            "type": "Feature",
            "properties": {"code": code, "name": name, "name_en": name_en},
            "geometry": mapping(poly),
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main():
    root = Path(__file__).resolve().parents[2]
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "Data/demo/kaunas-seniunijos.geojson"
    districts = build()
    write(out, districts)
    # Verify what was actually written, re-read from disk.
    reread = [shape(f["geometry"])
              for f in json.loads(out.read_text(encoding="utf-8"))["features"]]
    diff, drift = verify(reread)
    print(f"wrote {out}: {len(reread)} districts; union vs noded outline "
          f"{diff:.6f} m², noded vs drawn outline {drift:.1f} m²")


if __name__ == "__main__":
    main()
