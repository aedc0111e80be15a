using System.Collections.Frozen;
using System.Data.Common;
using System.Globalization;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// An instant as a plain data reader finds it: SQLite keeps EF Core's text "yyyy-MM-dd HH:mm:ss.FFFFFFF" (UTC), read
/// here by position, which is several times cheaper than the general date parser a million times over; anything
/// else (another text form, PostgreSQL's timestamp) goes through the provider's own reading.
/// </summary>
public static class StoredTime
{
    public static DateTime Read(DbDataReader reader, int ordinal)
    {
        if (reader.GetFieldType(ordinal) != typeof(string))
        {
            return DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);
        }

        var text = reader.GetString(ordinal);
        return TryParse(text, out var utc)
            ? utc
            : DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }

    /// <summary>"yyyy-MM-dd HH:mm:ss" with an optional fraction of one to seven digits, or false.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTime utc)
    {
        utc = default;
        if (text.Length < 19 || text[4] != '-' || text[7] != '-' || text[10] is not (' ' or 'T') || text[13] != ':' || text[16] != ':'
            || !Digits(text[..4], out var year) || !Digits(text.Slice(5, 2), out var month) || !Digits(text.Slice(8, 2), out var day)
            || !Digits(text.Slice(11, 2), out var hour) || !Digits(text.Slice(14, 2), out var minute) || !Digits(text.Slice(17, 2), out var second)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var ticks = 0;
        if (text.Length > 19)
        {
            var fraction = text[20..];
            if (text[19] != '.' || fraction.Length is 0 or > 7 || !Digits(fraction, out ticks))
            {
                return false;
            }

            for (var scale = fraction.Length; scale < 7; scale++)
            {
                ticks *= 10;
            }
        }

        utc = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}

/// <summary>An enum stored by its name (as CONTRACT.md spells it), read back without <see cref="Enum.Parse{TEnum}(string)"/>'s general path.</summary>
public static class StoredName<T>
    where T : struct, Enum
{
    private static readonly FrozenDictionary<string, T> ByName =
        Enum.GetValues<T>().ToFrozenDictionary(v => v.ToString(), StringComparer.Ordinal);

    public static T Parse(string name) => ByName.TryGetValue(name, out var value) ? value : Enum.Parse<T>(name);
}
