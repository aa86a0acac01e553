import { describe, expect, it } from "vitest";
import { parseKitchen } from "../../../src/schedule/kitchen.js";
import { validateSchedulePolicy } from "../../../src/schedule/validate.js";
import { parseWeekday } from "../../../src/schedule/weekday.js";

describe("parseKitchen (Go's time.Kitchen, as Stork parses it)", () => {
  it.each([
    ["1:02PM", 13, 2],
    ["1:02pm", 13, 2],
    ["10:14PM", 22, 14],
    ["12:00AM", 0, 0],
    ["12:00PM", 12, 0],
    ["12:59am", 0, 59],
    ["11:59PM", 23, 59],
    ["01:05AM", 1, 5],
    ["0:30AM", 0, 30],
    ["8:05PM", 20, 5],
  ])("accepts %s as %i:%i", (text, hour, minute) => {
    expect(parseKitchen(text)).toEqual({ ok: true, value: { hour, minute } });
  });

  it.each([
    "13:00PM",
    "1:2PM",
    "24:00",
    "13:00",
    "1:02",
    "1:02 PM",
    "1:02Pm",
    "1:60PM",
    " 1:02PM",
    "1:02PM ",
    "",
    "100:00PM",
    "1:002PM",
    "noon",
  ])("rejects %j", (text) => {
    expect(parseKitchen(text).ok).toBe(false);
  });
});

describe("parseWeekday (Stork's Days map)", () => {
  it.each([
    ["Sunday", 0],
    ["Sun", 0],
    ["sunday", 0],
    ["sun", 0],
    ["Thursday", 4],
    ["Thu", 4],
    ["Thur", 4],
    ["thurs", 4],
    ["Saturday", 6],
    ["sat", 6],
  ])("accepts %s", (text, day) => {
    expect(parseWeekday(text)).toBe(day);
  });

  it.each(["SUNDAY", "Su", "Sundays", "", "Funday", "sUN", "7"])("rejects %j", (text) => {
    expect(parseWeekday(text)).toBeUndefined();
  });
});

describe("validateSchedulePolicy", () => {
  it("accepts the seed's testpolicy", () => {
    expect(
      validateSchedulePolicy({
        interval: { intervalMinutes: 1 },
        daily: { time: "10:14PM" },
        weekly: { day: "Thursday", time: "10:13PM" },
        monthly: { date: 14, time: "8:05PM" },
      }),
    ).toEqual([]);
  });

  it.each([
    [{ cron: "*/5 * * * *", timezone: "Europe/Berlin" }],
    [{ cron: "@daily" }],
    [{ daily: { time: "2:30am" }, timezone: "America/New_York" }],
    [{ monthly: { date: 31, time: "12:00AM" } }],
    [{ monthly: { date: 1, time: "12:00AM" }, timezone: "utc" }],
  ])("accepts %j", (policy) => {
    expect(validateSchedulePolicy(policy)).toEqual([]);
  });

  it.each([
    [null, [[]]],
    ["daily", [[]]],
    [{}, [[]]],
    [{ timezone: "UTC" }, [[]]],
    [{ interval: { intervalMinutes: 0 } }, [["interval", "intervalMinutes"]]],
    [{ interval: { intervalMinutes: 1.5 } }, [["interval", "intervalMinutes"]]],
    [{ interval: { intervalMinutes: "5" } }, [["interval", "intervalMinutes"]]],
    [{ interval: {} }, [["interval", "intervalMinutes"]]],
    [{ interval: 5 }, [["interval"]]],
    [{ daily: { time: "13:00PM" } }, [["daily", "time"]]],
    [{ daily: { time: "22:00" } }, [["daily", "time"]]],
    [{ daily: {} }, [["daily", "time"]]],
    [{ weekly: { day: "Funday", time: "1:00PM" } }, [["weekly", "day"]]],
    [
      { weekly: { day: "SUNDAY", time: "1:2PM" } },
      [
        ["weekly", "day"],
        ["weekly", "time"],
      ],
    ],
    [{ weekly: { time: "1:00PM" } }, [["weekly", "day"]]],
    [{ monthly: { date: 0, time: "1:00PM" } }, [["monthly", "date"]]],
    [{ monthly: { date: 32, time: "1:00PM" } }, [["monthly", "date"]]],
    [{ monthly: { date: "14", time: "1:00PM" } }, [["monthly", "date"]]],
    [{ cron: "*/5 * * *" }, [["cron"]]],
    [{ cron: "0 */5 * * * *" }, [["cron"]]],
    [{ cron: "61 * * * *" }, [["cron"]]],
    [{ cron: "@reboot" }, [["cron"]]],
    [{ cron: 5 }, [["cron"]]],
    [{ cron: "* * * * *", timezone: "Mars/Olympus" }, [["timezone"]]],
    [{ daily: { time: "1:00PM" }, timezone: 2 }, [["timezone"]]],
  ])("reports %j at %j", (policy, paths) => {
    const problems = validateSchedulePolicy(policy);
    expect(problems.map((p) => p.path)).toEqual(paths);
    for (const p of problems) expect(p.message).not.toBe("");
  });

  it("reports every problem in one pass", () => {
    const problems = validateSchedulePolicy({
      interval: { intervalMinutes: -1 },
      daily: { time: "25:00PM" },
      weekly: { day: "Someday", time: "x" },
      monthly: { date: 40, time: "y" },
      cron: "bad",
      timezone: "Nowhere/Land",
    });
    expect(problems).toHaveLength(8);
    expect(problems.map((p) => p.code)).toEqual(
      expect.arrayContaining([
        "invalid-timezone",
        "invalid-value",
        "invalid-time",
        "invalid-weekday",
        "invalid-date",
        "invalid-cron",
      ]),
    );
  });

  it("names the bad value in its message", () => {
    const [problem] = validateSchedulePolicy({ weekly: { day: "Thursday", time: "13:00PM" } });
    expect(problem?.message).toContain("13:00PM");
  });
});
