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
    [CsvFormat(CsvTime.Format)]
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
    [CsvFormat(CsvTime.Format)]
    public DateTime? DueAtUtc { get; init => field = CsvTime.AsUtc(value); }

    [CsvColumn("due_at_kyiv")]
    [CsvFormat(CsvTime.Format)]
    public DateTimeOffset? DueAtKyiv { get; init; }

    [CsvColumn("at_kyiv")]
    [CsvFormat(CsvTime.Format)]
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
    [CsvFormat(CsvTime.Format)]
    public DateTime IncidentOccurredAtUtc { get; init => field = CsvTime.AsUtc(value); }

    [CsvColumn("incident_occurred_at_kyiv")]
    [CsvFormat(CsvTime.Format)]
    public DateTimeOffset IncidentOccurredAtKyiv { get; init; }
}

/// <summary>
/// Times in every CSV: UTC to the tick with a Z (the precision the JSON has, so nothing is lost on the way), and
/// beside each the same instant in Kyiv time with its offset written out (+02:00 in winter, +03:00 in summer).
/// </summary>
public static class CsvTime
{
    /// <summary>
    /// The round-trip format, which writes exactly the contract's shapes: <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c> for a
    /// <see cref="DateTime"/> of kind UTC, <c>yyyy-MM-ddTHH:mm:ss.fffffff+hh:mm</c> for a <see cref="DateTimeOffset"/>.
    /// .NET writes it on a fast path; the same shapes as custom patterns are parsed again on every value, ~6× the time
    /// and about a fifth of a 1 M-row export (docs/performance.md). It writes the Z only for kind UTC: see <see cref="AsUtc(DateTime)"/>.
    /// </summary>
    public const string Format = "O";

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
