// Reads the .ics files named on the command line with ical.js and prints what it understood as JSON,
// for tests/calendars/test_parsers.py:
//
//   node tests/calendars/node/parse_feeds.mjs out/calendars/library.ics ...
//
// Output: {"files": [{path, calname, timezones, events: [...], errors: [...]}, ...]}. Each event:
// uid, summary, isDate (all-day), start and end (UTC epoch milliseconds for timed events, the
// "YYYY-MM-DD" date for all-day ones), startLocal and endLocal (wall time in the event's own zone),
// tzid (the TZID parameter of DTSTART, or null), zone (the zone ical.js resolved DTSTART to:
// a tzid, "UTC" or "floating"), endTzid and endZone likewise for DTEND, status, sequence, and
// recurring (whether it has RRULE, RDATE or EXDATE). A file ical.js cannot read gets its error
// in errors and no events; the process exits 0 either way, so the caller sees every file.
import { readFileSync } from "node:fs";

import ICAL from "ical.js";

function timeOf(time) {
  if (time === null || time === undefined) {
    return null;
  }
  return time.isDate ? time.toString() : time.toUnixTime() * 1000;
}

function zoneOf(time) {
  if (time === null || time === undefined || time.isDate) {
    return null;
  }
  return time.zone ? time.zone.tzid : null;
}

function readEvent(vevent) {
  const event = new ICAL.Event(vevent);
  const dtstart = vevent.getFirstProperty("dtstart");
  const dtend = vevent.getFirstProperty("dtend");
  const start = event.startDate;
  const end = event.endDate;
  return {
    uid: event.uid,
    summary: event.summary,
    isDate: start ? start.isDate : null,
    start: timeOf(start),
    end: timeOf(end),
    startLocal: start ? start.toString() : null,
    endLocal: end ? end.toString() : null,
    tzid: dtstart ? (dtstart.getParameter("tzid") ?? null) : null,
    zone: zoneOf(start),
    endTzid: dtend ? (dtend.getParameter("tzid") ?? null) : null,
    endZone: zoneOf(end),
    hasDtend: dtend !== null,
    status: vevent.getFirstPropertyValue("status") ?? null,
    sequence: event.sequence ?? null,
    recurring: event.isRecurring() || vevent.hasProperty("rdate") || vevent.hasProperty("exdate"),
  };
}

function readFile(path) {
  const result = { path, calname: null, timezones: [], events: [], errors: [] };
  try {
    const jcal = ICAL.parse(readFileSync(path, "utf8"));
    if (Array.isArray(jcal[0])) {
      result.errors.push(`${jcal.length} top-level components; expected one VCALENDAR`);
      return result;
    }
    const calendar = new ICAL.Component(jcal);
    if (calendar.name !== "vcalendar") {
      result.errors.push(`top-level component is ${calendar.name}, not vcalendar`);
      return result;
    }
    ICAL.TimezoneService.reset();
    for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
      const tzid = vtimezone.getFirstPropertyValue("tzid");
      result.timezones.push(tzid);
      ICAL.TimezoneService.register(vtimezone);
    }
    result.calname =
      calendar.getFirstPropertyValue("x-wr-calname") ?? calendar.getFirstPropertyValue("name") ?? null;
    for (const vevent of calendar.getAllSubcomponents("vevent")) {
      try {
        result.events.push(readEvent(vevent));
      } catch (error) {
        result.errors.push(`VEVENT ${vevent.getFirstPropertyValue("uid")}: ${error}`);
      }
    }
  } catch (error) {
    result.errors.push(String(error));
  }
  return result;
}

const paths = process.argv.slice(2);
if (paths.length === 0) {
  process.stderr.write("usage: node parse_feeds.mjs FEED.ics...\n");
  process.exit(2);
}
process.stdout.write(JSON.stringify({ files: paths.map(readFile) }));
process.stdout.write("\n");
