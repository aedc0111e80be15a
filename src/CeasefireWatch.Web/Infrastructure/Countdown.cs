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

    /// <summary>"24 h", "90 min", "5 s": an escalation window, exact to the tenth of a second (a window shorter than a minute is not "0m").</summary>
    public static string Window(TimeSpan window) =>
        window.TotalHours >= 1 && window.TotalHours == Math.Floor(window.TotalHours) ? string.Create(CultureInfo.InvariantCulture, $"{window.TotalHours:0} h")
        : window.TotalMinutes >= 1 && window.TotalMinutes == Math.Floor(window.TotalMinutes) ? string.Create(CultureInfo.InvariantCulture, $"{window.TotalMinutes:0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{window.TotalSeconds:0.#} s");
}
