using System.Globalization;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// The countdown text, rendered by the server first and then kept ticking by site.js in the same format and the same
/// words (the page hands site.js the translated "due", "{0}d {1}" and "{0}d {1}h {2}m").
/// </summary>
public static class Countdown
{
    public const string Due = "due";

    public const string DaysAndClock = "{0}d {1}";

    public const string ElapsedFormat = "{0}d {1}h {2}m";

    /// <summary>"2d 03:04:05", "03:04:05", or "due" once the deadline has passed.</summary>
    public static string Format(TimeSpan remaining)
    {
        if (remaining <= TimeSpan.Zero)
        {
            return Localization.Text.Get(Due);
        }

        var seconds = (long)Math.Ceiling(remaining.TotalSeconds);
        var days = seconds / 86400;
        var clock = string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600 % 24:00}:{seconds / 60 % 60:00}:{seconds % 60:00}");
        return days > 0 ? Localization.Text.Format(DaysAndClock, days, clock) : clock;
    }

    /// <summary>"3d 04h 05m": time elapsed since the first violation.</summary>
    public static string Elapsed(TimeSpan elapsed)
    {
        if (elapsed < TimeSpan.Zero)
        {
            elapsed = TimeSpan.Zero;
        }

        return Localization.Text.Format(ElapsedFormat, (int)elapsed.TotalDays, elapsed.Hours.ToString("00", CultureInfo.InvariantCulture), elapsed.Minutes.ToString("00", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// "24 h", "90 min", "5 s" ("24 год", "90 хв", "5 с" in Ukrainian): an escalation window, exact to the tenth of a
    /// second (a window shorter than a minute is not "0m").
    /// </summary>
    public static string Window(TimeSpan window) => KeepTogether(
        window.TotalHours >= 1 && window.TotalHours == Math.Floor(window.TotalHours) ? Localization.Text.Format("{0} h", window.TotalHours.ToString("0", CultureInfo.InvariantCulture))
        : window.TotalMinutes >= 1 && window.TotalMinutes == Math.Floor(window.TotalMinutes) ? Localization.Text.Format("{0} min", window.TotalMinutes.ToString("0", CultureInfo.InvariantCulture))
        : Seconds(window, "0.#"));

    /// <summary>A duration in seconds, "0.002 s" ("0.002 с"): the unit in the reader's language, the number invariant like every number the UI shows.</summary>
    public static string Seconds(TimeSpan duration, string format) =>
        KeepTogether(Localization.Text.Format("{0} s", duration.TotalSeconds.ToString(format, CultureInfo.InvariantCulture)));

    /// <summary>A number and its unit on one line: "24 h" broke as "24" / "h" on a 390 px phone.</summary>
    private static string KeepTogether(string quantity) => quantity.Replace(' ', '\u00A0');
}
