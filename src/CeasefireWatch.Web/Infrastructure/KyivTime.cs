using System.Globalization;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Kyiv local time (EET/EEST) for display and for form input. Only the edges use it: every instant
/// inside is UTC, so a daylight-saving change never moves a deadline.
/// </summary>
public static class KyivTime
{
    public static TimeZoneInfo Zone { get; } = FindZone();

    public static DateTime FromUtc(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, Zone);

    /// <summary>"2026-02-04 08:00 EET": the local time with the abbreviation in force then.</summary>
    public static string Format(DateTime utc)
    {
        var local = FromUtc(utc);
        var abbreviation = Zone.IsDaylightSavingTime(local) ? "EEST" : "EET";
        return local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + abbreviation;
    }

    /// <summary>
    /// Converts a wall-clock time in Kyiv to UTC. A time skipped by the spring change does not exist and one
    /// repeated by the autumn change is ambiguous: both are refused with a reason rather than guessed.
    /// </summary>
    public static bool TryToUtc(DateTime local, out DateTime utc, out string? error)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(unspecified))
        {
            utc = default;
            error = Localization.Text.Format(
                "{0} does not exist in Kyiv (clocks moved forward); enter the time in UTC.", local.ToString(Localization.ZoneTime.EntryPattern, CultureInfo.InvariantCulture));
            return false;
        }

        if (Zone.IsAmbiguousTime(unspecified))
        {
            utc = default;
            error = Localization.Text.Format(
                "{0} happened twice in Kyiv (clocks moved back); enter the time in UTC.", local.ToString(Localization.ZoneTime.EntryPattern, CultureInfo.InvariantCulture));
            return false;
        }

        utc = TimeZoneInfo.ConvertTimeToUtc(unspecified, Zone);
        error = null;
        return true;
    }

    private static TimeZoneInfo FindZone() =>
        TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Kyiv", out var zone) ? zone
        : TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Kiev", out zone) ? zone
        : throw new InvalidOperationException("The Europe/Kyiv time zone is missing; install tzdata.");
}

public static class UtcFormat
{
    /// <summary>"2026-02-04 06:00:00Z".</summary>
    public static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 round-trip with a Z, for data attributes read by scripts.</summary>
    public static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
