#!/usr/bin/env python3
"""Build the demo city's reports, Data/demo/kaunas-reports.csv.

Invented reports (NOT real ones) for the demo city, so that its map has clusters, a heat map and
hotspots to show: a few hundred reports over the autumn of 2026, most of them piled up around a
dozen made-up trouble spots (a pothole-ridden street, a graffiti wall, an unlit park path, a
dumping ground), the rest scattered over the city. Every point lies inside an eldership of
Data/demo/kaunas-seniunijos.geojson. The file has the columns `miestas reports export --format
csv` writes, so `miestas reports import FILE --mapping miestas` reads it (Tools/serve-demo does).

The output is the same on every run (a fixed seed), so the file changes only when this script does.

Usage:  python3 Tools/demo-data/make_kaunas_reports.py [OUTPUT]
"""
import csv
import datetime
import json
import random
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
DISTRICTS = ROOT / "Data/demo/kaunas-seniunijos.geojson"
EXPORT_COLUMNS = ["id", "service_code", "status", "resolution", "description", "district", "lon", "lat",
                  "address", "zipcode", "requested_at", "updated_at", "closed_at", "duplicate_of", "source"]
VILNIUS = ZoneInfo("Europe/Vilnius")
START = datetime.datetime(2026, 9, 1, tzinfo=VILNIUS)
DAYS = 90

# Made-up trouble spots: (lon, lat, spread in metres, reports, service, street).
SPOTS = [
    (23.9030, 54.8985, 60, 38, "pothole", "Vytauto pr."),
    (23.9215, 54.8960, 40, 26, "graffiti", "Laisvės al."),
    (23.9405, 54.9065, 80, 22, "street_light", "Savanorių pr."),
    (23.9720, 54.9150, 70, 24, "damaged_sidewalk", "Pramonės pr."),
    (23.8780, 54.9320, 90, 20, "illegal_dumping", "Baltų pr."),
    (23.9460, 54.9310, 60, 18, "pothole", "Kovo 11-osios g."),
    (23.8740, 54.9130, 50, 16, "fallen_tree", "Vilijampolės parkas"),
    (23.8870, 54.8710, 70, 18, "pothole", "Veiverių g."),
    (23.9390, 54.8790, 50, 15, "graffiti", "Kranto al."),
    (23.9760, 54.8740, 90, 14, "illegal_dumping", "Marvelės g."),
    (24.0150, 54.8860, 80, 12, "street_light", "Chemijos g."),
    (23.9640, 54.8950, 40, 12, "unsafe_facade", "Tvirtovės al."),
]
BACKGROUND = 260
SERVICES = ["pothole", "fallen_tree", "unsafe_facade", "street_light", "graffiti", "illegal_dumping", "damaged_sidewalk", "other"]
WEIGHTS = [22, 6, 4, 16, 14, 12, 16, 10]
DESCRIPTIONS = {
    "pothole": ["Gili duobė važiuojamojoje dalyje", "Duobės prie perėjos", "Išdaužtas asfaltas, pavojinga dviratininkams"],
    "fallen_tree": ["Nuvirtęs medis ant šaligatvio", "Nulūžusi didelė šaka", "Medis pasviręs virš kelio"],
    "unsafe_facade": ["Byra fasado tinkas", "Atsilupęs balkono kraštas", "Krenta karnizo dalys"],
    "street_light": ["Neveikia gatvės žibintas", "Tamsus parko takas: nešviečia keli žibintai", "Žibintas mirksi visą naktį"],
    "graffiti": ["Grafitis ant sienos", "Užrašai ant autobusų stotelės", "Išpieštos durys"],
    "illegal_dumping": ["Išmestos statybinės atliekos", "Padangų krūva miške", "Senų baldų krūva prie konteinerių"],
    "damaged_sidewalk": ["Iškilusios šaligatvio plytelės", "Išardytas šaligatvis po darbų", "Aukštas bortas, neprivažiuoja vežimėlis"],
    "other": ["Sugadintas suoliukas", "Užsikimšęs lietaus nuotekų šulinys", "Nuplėštas kelio ženklas"],
}


def rings(geometry):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [p[0] for p in polygons]


def inside(x, y, ring):
    """Ray casting: is (x, y) inside the ring?"""
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def main():
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "Data/demo/kaunas-reports.csv"
    features = json.loads(DISTRICTS.read_text())["features"]
    outlines = [ring for f in features for ring in rings(f["geometry"])]
    xs = [x for r in outlines for x, _ in r]
    ys = [y for r in outlines for _, y in r]
    rng = random.Random(20260901)

    def in_city(x, y):
        return any(inside(x, y, r) for r in outlines)

    def near(lon, lat, metres):
        while True:
            x = lon + rng.gauss(0, metres) / 64_000  # metres per degree of longitude at 54.9° N
            y = lat + rng.gauss(0, metres) / 111_200
            if in_city(x, y):
                return x, y

    def anywhere():
        while True:
            x, y = rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))
            if in_city(x, y):
                return x, y

    planned = [(service, near(lon, lat, spread), street) for lon, lat, spread, n, service, street in SPOTS for _ in range(n)]
    planned += [(rng.choices(SERVICES, WEIGHTS)[0], anywhere(), "") for _ in range(BACKGROUND)]
    rows = []
    for service, (x, y), street in planned:
        at = (START + datetime.timedelta(seconds=rng.randrange(DAYS * 86_400))).astimezone(VILNIUS)
        age = (START + datetime.timedelta(days=DAYS) - at).days
        # Older reports are more often dealt with; of the rest, half wait to be looked at.
        if rng.random() < min(0.85, age / 60):
            status = "closed"
        else:
            status = rng.choices(["open", "acknowledged", "in_progress"], [2, 1, 1])[0]
        closed = (at + datetime.timedelta(hours=rng.randrange(4, 24 * 21))).astimezone(VILNIUS) if status == "closed" else None
        rows.append([service, status, rng.choice(DESCRIPTIONS[service]), f"{x:.6f}", f"{y:.6f}", street, at, closed])
    rows.sort(key=lambda r: r[6])
    with output.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(EXPORT_COLUMNS)
        for n, (service, status, text, lon, lat, street, at, closed) in enumerate(rows, start=1):
            resolution = "fixed" if status == "closed" else ""
            w.writerow([f"demo-{n}", service, status, resolution, text, "", lon, lat, street, "",
                        at.isoformat(), (closed or at).isoformat(), closed.isoformat() if closed else "", "", "demo"])
    print(f"{output}: {len(rows)} invented reports")


if __name__ == "__main__":
    main()
