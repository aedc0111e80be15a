using System.Globalization;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>The countdown text, rendered by the server first and then kept ticking by site.js in the same format.</summary>
public static class Countdown
{
    public const string Due = "due";

    /// <summary>"2d 03:04:05", "03:04:05", or "due" once the deadline has passed.</summary>
    public static string Format(TimeSpan remaining)
    {
        if (remaining <= TimeSpan.Zero)
        {
            return Due;
        }

        var seconds = (long)Math.Ceiling(remaining.TotalSeconds);
        var days = seconds / 86400;
        var clock = string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600 % 24:00}:{seconds / 60 % 60:00}:{seconds % 60:00}");
        return days > 0 ? string.Create(CultureInfo.InvariantCulture, $"{days}d {clock}") : clock;
    }

    /// <summary>"3d 04h 05m": time elapsed since the first violation.</summary>
    public static string Elapsed(TimeSpan elapsed)
    {
        if (elapsed < TimeSpan.Zero)
        {
            elapsed = TimeSpan.Zero;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalDays}d {elapsed.Hours:00}h {elapsed.Minutes:00}m");
    }

    /// <summary>"24 h", "90 min", "5 s": an escalation window, exact to the tenth of a second (a window shorter than a minute is not "0m").</summary>
    public static string Window(TimeSpan window) =>
        window.TotalHours >= 1 && window.TotalHours == Math.Floor(window.TotalHours) ? string.Create(CultureInfo.InvariantCulture, $"{window.TotalHours:0} h")
        : window.TotalMinutes >= 1 && window.TotalMinutes == Math.Floor(window.TotalMinutes) ? string.Create(CultureInfo.InvariantCulture, $"{window.TotalMinutes:0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{window.TotalSeconds:0.#} s");
}
