#!/usr/bin/env python3
"""Cross-check the golden .ics files with an independent parser (Python's `icalendar`).

The Rust tests compare output with these files byte for byte; this script is what showed, once,
that the files themselves are right: an independent RFC 5545 parser reads every property back to
the value in the matching .json input (escaping, parameter quoting, RFC 6868 carets, folding,
UTC times). Re-run it whenever the golden files are regenerated:

    pip install icalendar
    python3 crates/hireloop-hiring/tests/data/ics/check_with_icalendar.py

The Rust test suite does not need Python.
"""

import datetime as dt
import json
import pathlib
import sys

import icalendar

HERE = pathlib.Path(__file__).resolve().parent
ROLES = {"required": "REQ-PARTICIPANT", "optional": "OPT-PARTICIPANT",
         "non_participant": "NON-PARTICIPANT", "chair": "CHAIR"}
PARTSTATS = {"needs_action": "NEEDS-ACTION", "accepted": "ACCEPTED",
             "declined": "DECLINED", "tentative": "TENTATIVE"}


def utc(ms):
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)


def normalise_newlines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_lines(raw, errors, name):
    if not raw.endswith(b"\r\n"):
        errors.append(f"{name}: does not end with CRLF")
    for number, line in enumerate(raw[:-2].split(b"\r\n"), start=1):
        if b"\n" in line or b"\r" in line:
            errors.append(f"{name}:{number}: bare CR or LF")
        if len(line) > 75:
            errors.append(f"{name}:{number}: {len(line)} octets")
        line.decode("utf-8")  # raises if a fold split a character


def check_case(json_path):
    name = json_path.stem
    case = json.loads(json_path.read_text(encoding="utf-8"))
    iv, producer = case["interview"], case["producer"]
    raw = json_path.with_suffix(".ics").read_bytes()
    errors = []
    check_lines(raw, errors, name)

    cal = icalendar.Calendar.from_ical(raw.decode("utf-8"))
    cancelled = iv["status"] == "cancelled"
    expect(errors, name, "METHOD", str(cal["METHOD"]), "CANCEL" if cancelled else "REQUEST")
    expect(errors, name, "VERSION", str(cal["VERSION"]), "2.0")
    expect(errors, name, "PRODID", str(cal["PRODID"]), producer["prodid"])

    events = cal.walk("VEVENT")
    expect(errors, name, "VEVENT count", len(events), 1)
    ev = events[0]
    expect(errors, name, "UID", str(ev["UID"]), f"interview-{iv['id']}@{producer['uid_domain']}")
    expect(errors, name, "SEQUENCE", int(ev["SEQUENCE"]), iv["sequence"])
    expect(errors, name, "DTSTART", ev.decoded("DTSTART"), utc(iv["start_ms"]))
    expect(errors, name, "DTEND", ev.decoded("DTEND"), utc(iv["end_ms"]))
    expect(errors, name, "DTSTAMP", ev.decoded("DTSTAMP"), utc(iv["stamp_ms"]))
    expect(errors, name, "SUMMARY", str(ev["SUMMARY"]), iv["summary"])
    expect(errors, name, "DESCRIPTION", str(ev.get("DESCRIPTION", "")),
           normalise_newlines(iv["description"]))
    expect(errors, name, "LOCATION", ev.get("LOCATION") and str(ev["LOCATION"]), iv["location"])
    expect(errors, name, "URL", ev.get("URL") and str(ev["URL"]), iv["url"])
    expect(errors, name, "STATUS", str(ev["STATUS"]), "CANCELLED" if cancelled else "CONFIRMED")

    organizer = ev["ORGANIZER"]
    expect(errors, name, "ORGANIZER", str(organizer), "mailto:" + iv["organizer"]["email"])
    expect(errors, name, "ORGANIZER CN", organizer.params["CN"], iv["organizer"]["name"])

    attendees = ev.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    expect(errors, name, "ATTENDEE count", len(attendees), len(iv["attendees"]))
    for got, want in zip(attendees, iv["attendees"]):
        who = f"ATTENDEE {want['email']}"
        expect(errors, name, who, str(got), "mailto:" + want["email"])
        expect(errors, name, who + " CN", got.params["CN"], want["name"])
        expect(errors, name, who + " ROLE", got.params["ROLE"], ROLES[want["role"]])
        expect(errors, name, who + " PARTSTAT", got.params["PARTSTAT"],
               PARTSTATS[want["partstat"]])
    return errors


def expect(errors, name, what, got, want):
    if got != want:
        errors.append(f"{name}: {what}: got {got!r}, want {want!r}")


def main():
    cases = sorted(HERE.glob("*.json"))
    errors = [e for path in cases for e in check_case(path)]
    for e in errors:
        print(e)
    print(f"icalendar {icalendar.__version__}: {len(cases)} files, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
