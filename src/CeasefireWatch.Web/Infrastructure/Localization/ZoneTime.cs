using System.Globalization;

namespace CeasefireWatch.Web.Infrastructure.Localization;

/// <summary>The zone a person reads and types wall-clock times in.</summary>
public enum TimeInputZone
{
    Utc,
    Kyiv,
}

/// <summary>
/// The zone each person works in: Kyiv unless they chose UTC. Remembered in a cookie (no account column needed:
/// it is a display choice of this browser, like the language), set on the preferences page and whenever a form
/// is sent with a zone, so the next form starts where the person left off.
/// </summary>
public static class ZonePreference
{
    public const string CookieName = "cw.zone";

    public static TimeInputZone Of(HttpContext? context) =>
        Enum.TryParse<TimeInputZone>(context?.Request.Cookies[CookieName], ignoreCase: false, out var zone) && Enum.IsDefined(zone)
            ? zone
            : TimeInputZone.Kyiv;

    public static void Remember(HttpContext context, TimeInputZone zone) =>
        context.Response.Cookies.Append(CookieName, zone.ToString(), Preferences.CookieOptions(context));
}

/// <summary>Options shared by the preference cookies (language, zone): a year, this site only, not readable by script.</summary>
public static class Preferences
{
    public static CookieOptions CookieOptions(HttpContext context) => new()
    {
        Expires = DateTimeOffset.UtcNow.AddYears(1),
        HttpOnly = true,
        IsEssential = true,
        SameSite = SameSiteMode.Lax,
        Secure = context.Request.IsHttps,
        Path = "/",
    };
}

/// <summary>
/// Instants as people read and type them: day.month.year and a 24-hour clock, in Kyiv or UTC. Every instant
/// inside stays UTC; this is only the edge. The forms use text fields in this format rather than the browser's
/// date picker, whose order follows the browser's locale (month first in a US browser).
/// </summary>
public static class ZoneTime
{
    /// <summary>What the entry fields show and ask for.</summary>
    public const string EntryPattern = "dd.MM.yyyy HH:mm";

    public const string DayPattern = "dd.MM.yyyy";

    /// <summary>Accepted on entry: day-month-year with dots, slashes or dashes, and ISO 8601 (what scripts and older forms send).</summary>
    private static readonly string[] EntryFormats =
    [
        "d.M.yyyy H:mm", "d.M.yyyy H:mm:ss", "d/M/yyyy H:mm", "d/M/yyyy H:mm:ss", "d-M-yyyy H:mm",
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss",
    ];

    private static readonly string[] DayFormats = ["d.M.yyyy", "d/M/yyyy", "d-M-yyyy", "yyyy-MM-dd"];

    public static DateTime ToZone(DateTime utc, TimeInputZone zone) =>
        zone == TimeInputZone.Kyiv ? KyivTime.FromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) : utc;

    /// <summary>"UTC" or "Kyiv" in the UI language.</summary>
    public static string ZoneName(TimeInputZone zone) => zone == TimeInputZone.Kyiv ? Text.Get("Kyiv") : "UTC";

    /// <summary>"04.02.2026 08:00 Kyiv" (or with seconds).</summary>
    public static string Format(DateTime utc, TimeInputZone zone, bool seconds = false) =>
        ToZone(utc, zone).ToString(seconds ? "dd.MM.yyyy HH:mm:ss" : "dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture) + " " + ZoneName(zone);

    /// <summary>The wall-clock value an entry field shows for an instant, in the zone of the field.</summary>
    public static string EntryValue(DateTime utc, TimeInputZone zone) =>
        ToZone(utc, zone).ToString(EntryPattern, CultureInfo.InvariantCulture);

    public static bool TryParseWallClock(string? text, out DateTime wallClock) =>
        DateTime.TryParseExact(text?.Trim(), EntryFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out wallClock)
        && wallClock.Year is >= 1900 and <= 9000;

    /// <summary>A day typed in a filter; years far outside any record are refused (no zone arithmetic at the calendar's ends).</summary>
    public static bool TryParseDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text?.Trim(), DayFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out day)
        && day.Year is >= 1900 and <= 9000;

    /// <summary>The UTC instant at which a day begins in <paramref name="zone"/> (midnight always exists in Kyiv).</summary>
    public static DateTime StartOfDayUtc(DateOnly day, TimeInputZone zone)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return zone == TimeInputZone.Kyiv ? TimeZoneInfo.ConvertTimeToUtc(midnight, KyivTime.Zone) : DateTime.SpecifyKind(midnight, DateTimeKind.Utc);
    }
}

/// <summary>The zone a time field was typed in, as the form shows it (Pages/Shared/_ZoneChoice.cshtml).</summary>
/// <param name="Name">The form field's name, such as "Input.OccurredAtZone".</param>
/// <param name="Selected">The zone checked: what was posted, or the person's own.</param>
public sealed record ZoneChoice(string Name, TimeInputZone Selected)
{
    public string Id => Infrastructure.FieldIds.For(Name);
}
