#!/usr/bin/env python3
"""Rebuild heatkit's embedded postcode reference data from the ONSPD-derived source lists.

Usage:
    python3 tools/build_postcode_data.py [SOURCE_DIR] [OUT_DIR]

SOURCE_DIR defaults to ../shared/data/postcodes (areas.csv, districts.csv and
live_postcodes_gb_ci_im_onspd_2025_02.txt.xz); OUT_DIR defaults to heat-core/data/postcodes.

Writes:
  areas.csv       area,name                           (124 postcode areas)
  districts.csv   outcode,area,district,live_postcodes (2,977 live outcodes incl. BT)
  live_units.bin  every live unit postcode of GB, the Channel Islands and the Isle of Man,
                  as a bit stream (format below), about 280 KB for 1.75M postcodes.

live_units.bin format (read by heat-core/src/postcode/data.rs):
  bytes 0..8   magic b"HKLIVE01"
  bytes 8..12  number of postcodes, u32 little-endian (a checksum for the reader)
  then a bit stream, most significant bit first. For each outcode of districts.csv, in file order:
    10 bits: bit d (d = 0..9, first bit = sector 0) set when sector d has live units;
    for each such sector, ascending: gamma(count), then count times gamma(gap), where
    gap = unit_index - previous_unit_index (previous starts at -1) and
    unit_index = 20 * pos(letter1) + pos(letter2) in INWARD_LETTERS.
  gamma(n), n >= 1: Elias gamma code (floor(log2 n) zero bits, then n in binary).
Outcodes with no live units (all of BT, whose unit list is not under the OGL) get a zero mask.
"""
import csv
import lzma
import pathlib
import struct
import sys

INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


class BitWriter:
    def __init__(self):
        self.bits = []

    def write(self, value, width):
        for shift in range(width - 1, -1, -1):
            self.bits.append((value >> shift) & 1)

    def gamma(self, n):
        assert n >= 1
        width = n.bit_length()
        self.write(0, width - 1)
        self.write(n, width)

    def to_bytes(self):
        out = bytearray()
        for i in range(0, len(self.bits), 8):
            chunk = self.bits[i : i + 8]
            chunk += [0] * (8 - len(chunk))
            byte = 0
            for b in chunk:
                byte = (byte << 1) | b
            out.append(byte)
        return bytes(out)


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    src = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared/data/postcodes"
    out = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else root / "heat-core/data/postcodes"
    out.mkdir(parents=True, exist_ok=True)

    with open(src / "areas.csv", newline="", encoding="utf-8") as f:
        areas = [(r["area"], r["name"]) for r in csv.DictReader(f)]
    with open(src / "districts.csv", newline="", encoding="utf-8") as f:
        districts = [
            (r["outcode"], r["area"], r["district"], int(r["live_postcodes"]))
            for r in csv.DictReader(f)
        ]
    districts.sort(key=lambda r: r[0])

    units = {}
    total = 0
    with lzma.open(src / "live_postcodes_gb_ci_im_onspd_2025_02.txt.xz", "rt", encoding="ascii") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            outward, inward = line.split(" ")
            sector = int(inward[0])
            idx = 20 * INWARD_LETTERS.index(inward[1]) + INWARD_LETTERS.index(inward[2])
            units.setdefault(outward, {}).setdefault(sector, []).append(idx)
            total += 1

    known = {d[0] for d in districts}
    missing = set(units) - known
    if missing:
        sys.exit(f"live outcodes missing from districts.csv: {sorted(missing)[:10]}")

    w = BitWriter()
    for outcode, *_ in districts:
        sectors = units.get(outcode, {})
        mask = 0
        for d in range(10):
            if d in sectors:
                mask |= 1 << (9 - d)
        w.write(mask, 10)
        for d in range(10):
            if d not in sectors:
                continue
            idxs = sorted(set(sectors[d]))
            w.gamma(len(idxs))
            prev = -1
            for i in idxs:
                w.gamma(i - prev)
                prev = i

    (out / "live_units.bin").write_bytes(b"HKLIVE01" + struct.pack("<I", total) + w.to_bytes())
    with open(out / "areas.csv", "w", newline="", encoding="utf-8") as f:
        cw = csv.writer(f, lineterminator="\n")
        cw.writerow(["area", "name"])
        cw.writerows(areas)
    with open(out / "districts.csv", "w", newline="", encoding="utf-8") as f:
        cw = csv.writer(f, lineterminator="\n")
        cw.writerow(["outcode", "area", "district", "live_postcodes"])
        cw.writerows(districts)
    size = (out / "live_units.bin").stat().st_size
    print(f"{len(areas)} areas, {len(districts)} outcodes, {total} live postcodes, live_units.bin {size} bytes")


if __name__ == "__main__":
    main()
