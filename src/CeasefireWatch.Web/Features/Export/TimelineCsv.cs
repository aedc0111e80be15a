using System.Globalization;
using CeasefireWatch.Web.Domain;
using CsvHelper;

namespace CeasefireWatch.Web.Features.Export;

/// <summary>
/// One CSV row: a timeline entry with the incident it belongs to. The contract's columns come first, in the
/// contract's order (scripts may read them by position); the Kyiv twins of the UTC times follow at once
/// (<c>due_at_kyiv</c> beside <c>due_at_utc</c>, then <c>at_kyiv</c>), then the incident's own columns.
/// </summary>
[CsvRecord]
public sealed partial class TimelineCsvRow
{
    [CsvColumn("incident_reference")]
    public string IncidentReference { get; init; } = string.Empty;

    [CsvColumn("incident_title")]
    public string IncidentTitle { get; init; } = string.Empty;

    [CsvColumn("at_utc")]
    [CsvConverter(typeof(CsvTime.Utc))]
    public DateTime AtUtc { get; init => field = CsvTime.AsUtc(value); }

    [CsvColumn("kind")]
    public TimelineKind Kind { get; init; }

    [CsvColumn("stage")]
    public Stage Stage { get; init; }

    [CsvColumn("actor")]
    public string Actor { get; init; } = string.Empty;

    [CsvColumn("details")]
    public string Details { get; init; } = string.Empty;

    [CsvColumn("due_at_utc")]
    [CsvConverter(typeof(CsvTime.UtcOrNone))]
    public DateTime? DueAtUtc { get; init => field = CsvTime.AsUtc(value); }

    [CsvColumn("due_at_kyiv")]
    [CsvConverter(typeof(CsvTime.LocalOrNone))]
    public DateTimeOffset? DueAtKyiv { get; init; }

    [CsvColumn("at_kyiv")]
    [CsvConverter(typeof(CsvTime.Local))]
    public DateTimeOffset AtKyiv { get; init; }

    [CsvColumn("incident_id")]
    public int IncidentId { get; init; }

    [CsvColumn("oblast")]
    public string Oblast { get; init; } = string.Empty;

    [CsvColumn("incident_status")]
    public IncidentStatus IncidentStatus { get; init; }

    [CsvColumn("incident_stage")]
    public Stage IncidentStage { get; init; }

    [CsvColumn("incident_occurred_at_utc")]
    [CsvConverter(typeof(CsvTime.Utc))]
    public DateTime IncidentOccurredAtUtc { get; init => field = CsvTime.AsUtc(value); }

    [CsvColumn("incident_occurred_at_kyiv")]
    [CsvConverter(typeof(CsvTime.Local))]
    public DateTimeOffset IncidentOccurredAtKyiv { get; init; }
}

/// <summary>
/// Times in every CSV: UTC to the tick with a Z, written exactly as the JSON writes the same instant (seconds, then a
/// fraction only as long as it needs: <c>2026-02-04T06:00:00Z</c>, <c>2026-02-04T06:00:00.25Z</c>), so a script can
/// compare the CSV's text with the API's; and beside each the same instant in Kyiv time with its offset written out
/// (+02:00 in winter, +03:00 in summer), in the same shape.
/// </summary>
public static class CsvTime
{
    /// <summary>
    /// Writes as System.Text.Json does: the round-trip format ("O", which .NET writes on a fast path straight to UTF-8;
    /// custom patterns are parsed again on every value, ~6× the time and about a fifth of a 1 M-row export,
    /// docs/performance.md) with the fraction's trailing zeros dropped, and its point when nothing is left. It writes
    /// the Z only for kind UTC: see <see cref="AsUtc(DateTime)"/>.
    /// </summary>
    public static void Write<T>(CsvWriter writer, T value)
        where T : IUtf8SpanFormattable
    {
        Span<byte> text = stackalloc byte[40];
        value.TryFormat(text, out var length, "O", CultureInfo.InvariantCulture);
        writer.WriteField(text[..Trimmed(text[..length])]);
    }

    /// <summary>
    /// The length of a round-trip time once the trailing zeros of its seven fraction digits (after the point at 19) are
    /// dropped, and the point with them when all are; what follows them (Z, an offset) is moved up.
    /// </summary>
    internal static int Trimmed(Span<byte> roundTrip)
    {
        const int Point = 19, Digits = 7;
        if (roundTrip.Length < Point + 1 + Digits || roundTrip[Point] != (byte)'.')
        {
            return roundTrip.Length;
        }

        var kept = Digits;
        while (kept > 0 && roundTrip[Point + kept] == (byte)'0')
        {
            kept--;
        }

        var end = kept == 0 ? Point : Point + 1 + kept;
        var suffix = roundTrip[(Point + 1 + Digits)..];
        suffix.CopyTo(roundTrip[end..]);
        return end + suffix.Length;
    }

    public static DateTime Read(CsvReader reader, int index) =>
        DateTime.Parse(reader.GetString(index), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public static DateTimeOffset ReadOffset(CsvReader reader, int index) =>
        DateTimeOffset.Parse(reader.GetString(index), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>A UTC time column (<see cref="Write{T}"/>).</summary>
    public sealed class Utc : ICsvConverter<DateTime>
    {
        public DateTime Read(CsvReader reader, int index) => CsvTime.Read(reader, index);

        public void Write(CsvWriter writer, DateTime value) => CsvTime.Write(writer, value);
    }

    /// <summary>A UTC time column that may be empty.</summary>
    public sealed class UtcOrNone : ICsvConverter<DateTime?>
    {
        public DateTime? Read(CsvReader reader, int index) => reader.GetString(index) is { Length: > 0 } ? CsvTime.Read(reader, index) : null;

        public void Write(CsvWriter writer, DateTime? value)
        {
            if (value is { } utc)
            {
                CsvTime.Write(writer, utc);
            }
            else
            {
                writer.WriteField((string?)null);
            }
        }
    }

    /// <summary>A Kyiv time column.</summary>
    public sealed class Local : ICsvConverter<DateTimeOffset>
    {
        public DateTimeOffset Read(CsvReader reader, int index) => ReadOffset(reader, index);

        public void Write(CsvWriter writer, DateTimeOffset value) => CsvTime.Write(writer, value);
    }

    /// <summary>A Kyiv time column that may be empty.</summary>
    public sealed class LocalOrNone : ICsvConverter<DateTimeOffset?>
    {
        public DateTimeOffset? Read(CsvReader reader, int index) => reader.GetString(index) is { Length: > 0 } ? ReadOffset(reader, index) : null;

        public void Write(CsvWriter writer, DateTimeOffset? value)
        {
            if (value is { } local)
            {
                CsvTime.Write(writer, local);
            }
            else
            {
                writer.WriteField((string?)null);
            }
        }
    }

    /// <summary>
    /// A UTC column's value, marked UTC whatever kind it came with: the database's arrive marked, but a row built
    /// elsewhere (a test, a future reader) would otherwise lose its Z without a word.
    /// </summary>
    public static DateTime AsUtc(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc);

    public static DateTime? AsUtc(DateTime? utc) => utc is { } u ? AsUtc(u) : null;

    private static KyivHour lastHour = new(long.MinValue, TimeSpan.Zero);

    public static DateTimeOffset Kyiv(DateTime utc)
    {
        // The zone's offset for the hour, remembered: an export asks for three instants per row, mostly in the same
        // hour as the row before. An hour is remembered only when the offset is the same at both its ends.
        var hour = utc.Ticks / TimeSpan.TicksPerHour;
        var known = lastHour;
        if (known.Hour != hour)
        {
            var start = new DateTime(hour * TimeSpan.TicksPerHour, DateTimeKind.Utc);
            var offset = Infrastructure.KyivTime.Zone.GetUtcOffset(start);
            if (offset != Infrastructure.KyivTime.Zone.GetUtcOffset(start.AddTicks(TimeSpan.TicksPerHour - 1)))
            {
                var local = Infrastructure.KyivTime.FromUtc(utc);
                return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), local - utc);
            }

            known = lastHour = new KyivHour(hour, offset);
        }

        return new DateTimeOffset(DateTime.SpecifyKind(utc + known.Offset, DateTimeKind.Unspecified), known.Offset);
    }

    public static DateTimeOffset? Kyiv(DateTime? utc) => utc is { } u ? Kyiv(u) : null;

    private sealed record KyivHour(long Hour, TimeSpan Offset);
}

/// <summary>
/// The CSV format of CONTRACT.md: UTF-8, without a byte-order mark unless asked for (<c>bom=true</c>, for
/// spreadsheets; scripts read the header as written), RFC 4180 quoting, a header row, ISO 8601 UTC times, and every
/// text cell that a spreadsheet would run as a formula (starting with = + - @ tab or CR) neutralised by CsvHelper's
/// injection guard, which prefixes it with ' so the spreadsheet shows it as text.
/// </summary>
public static class TimelineCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static CsvWriterOptions Options { get; } = CsvWriterOptions.Default with
    {
        Injection = CsvInjection.Escape,
        WriteByteOrderMark = false,
    };

    public static CsvWriterOptions WithByteOrderMark { get; } = Options with { WriteByteOrderMark = true };

    public static string FileName(string what, DateTime nowUtc) =>
        $"ceasefirewatch-{what}-{nowUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.csv";

    /// <summary>Writes the header and every row to <paramref name="destination"/>, flushing as the buffer fills.</summary>
    public static async Task WriteAsync(
        Stream destination, IAsyncEnumerable<TimelineCsvRow> rows, CancellationToken cancellationToken, bool byteOrderMark = false)
    {
        await using var csv = CsvWriter.Create(destination, byteOrderMark ? WithByteOrderMark : Options, leaveOpen: true);
        await csv.WriteRecordsAsync(rows, cancellationToken);
    }
}
