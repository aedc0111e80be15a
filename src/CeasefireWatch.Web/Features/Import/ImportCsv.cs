using CeasefireWatch.Web.Infrastructure.Localization;
using System.Globalization;
using System.Text.RegularExpressions;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure;
using CsvHelper;
using FluentValidation;
using Severity = CeasefireWatch.Web.Domain.Severity;

namespace CeasefireWatch.Web.Features.Import;

/// <summary>The import formats of CONTRACT.md, told apart by their header.</summary>
public enum ImportFormat
{
    /// <summary><c>title, occurred_at, ceased_at, oblast, …</c>: CeasefireWatch's own format, and what its export writes.</summary>
    Incidents,

    /// <summary>An ACLED export (<c>event_id_cnty, event_date, event_type, …</c>): one incident per event.</summary>
    Acled,
}

/// <summary>One bad line of a file: its number as a spreadsheet shows it (the header is line 1), the column, and why.</summary>
public sealed record BadLine(long Line, string Column, string Reason);

/// <summary>One row of a file, read into the fields a live report has, so the same validator judges both.</summary>
public sealed class ImportRow : IReportFields
{
    public long Line { get; init; }

    public string? Title { get; set; }

    public DateTimeOffset? OccurredAt { get; set; }

    public DateTimeOffset? CeasedAt { get; set; }

    public string? Oblast { get; set; }

    public string? Location { get; set; }

    public double? Latitude { get; set; }

    public double? Longitude { get; set; }

    public ViolationType? ViolationType { get; set; }

    public Severity? Severity { get; set; }

    public SourceType? SourceType { get; set; }

    public string? Description { get; set; }

    public int? Killed { get; set; }

    public int? Wounded { get; set; }

    /// <summary>The event's name in its source (<c>ACLED:UKR12345</c>), by which a second import finds it already imported.</summary>
    public string? ExternalReference { get; set; }
}

/// <summary>
/// Reads an import file: detects its format by the header, reads every row into an <see cref="ImportRow"/>, and
/// judges each by the rules of a live report (<see cref="ReportFieldsValidator"/>) plus the import's own (a title,
/// <c>ceased_at</c> not before <c>occurred_at</c> nor in the future). Every problem of every line is collected, so the
/// person who sent the file can mend them all at once.
/// </summary>
public static partial class ImportCsv
{
    /// <summary>The columns of the Incidents format, in the order the export writes them.</summary>
    public static IReadOnlyList<string> IncidentColumns { get; } =
    [
        "title", "occurred_at", "ceased_at", "oblast", "location", "latitude", "longitude",
        "violation_type", "severity", "source_type", "killed", "wounded", "description",
    ];

    public static IReadOnlyList<string> IncidentRequiredColumns { get; } = ["title", "occurred_at", "oblast"];

    /// <summary>The ACLED columns this import reads (an export has many more, which are ignored).</summary>
    public static IReadOnlyList<string> AcledColumns { get; } =
    [
        "event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "admin1", "location",
        "latitude", "longitude", "fatalities", "notes",
    ];

    public static IReadOnlyList<string> AcledRequiredColumns { get; } = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "admin1", "location"];

    /// <summary>
    /// The first characters after which a leading <c>'</c> is dropped on reading: what a spreadsheet would run as a
    /// formula (the export neutralises those with a <c>'</c>), and <c>'</c> itself (the export doubles a leading one).
    /// </summary>
    public const string InjectionCharacters = "=+-@\t\r'";

    /// <summary>What was read; <paramref name="TooManyRows"/>: the file has more rows than one import takes, and was not read further.</summary>
    public sealed record Result(ImportFormat? Format, IReadOnlyList<ImportRow> Rows, IReadOnlyList<BadLine> BadLines, string? HeaderProblem, bool TooManyRows = false);

    /// <summary>The text a neutralised cell stood for: a leading <c>'</c> before a formula character (or another <c>'</c>) is dropped.</summary>
    public static string Unneutralise(string cell) =>
        cell.Length >= 2 && cell[0] == '\'' && InjectionCharacters.Contains(cell[1], StringComparison.Ordinal) ? cell[1..] : cell;

    public static ImportFormat? Detect(IReadOnlyCollection<string> headers)
    {
        var names = headers.Select(HeaderKey).ToHashSet(StringComparer.Ordinal);
        if (AcledRequiredColumns.All(c => names.Contains(HeaderKey(c))))
        {
            return ImportFormat.Acled;
        }

        return IncidentRequiredColumns.All(c => names.Contains(HeaderKey(c))) ? ImportFormat.Incidents : null;
    }

    /// <summary>
    /// A header name as it is matched: case, and the <c>_</c>, <c>-</c> and spaces between words, do not matter, so
    /// <c>ceased_at</c>, <c>ceasedAt</c> (the JSON API's spelling) and <c>Ceased At</c> name one column. Matched exactly
    /// instead, a column spelled the JSON's way was ignored without a word: <c>ceasedAt</c> imported every incident as
    /// still active, and <c>violationType</c> as Other.
    /// </summary>
    public static string HeaderKey(string header) =>
        string.Concat(header.Where(c => c is not ('_' or '-' or ' '))).ToUpperInvariant();

    public static string ExpectedHeaders => Text.Format(
        "The header must name the Incidents columns ({0}; at least {1}) or those of an ACLED export ({2}; at least {3}).",
        string.Join(", ", IncidentColumns), string.Join(", ", IncidentRequiredColumns), string.Join(", ", AcledColumns), string.Join(", ", AcledRequiredColumns));

    public static async Task<Result> ReadAsync(Stream content, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Broken quoting is a bad line, not something to guess at: recovered, an unclosed quote runs to the end of the
        // file (the later lines vanish into one cell) and text after a closing quote is silently joined to the cell. A
        // stray quote inside an unquoted cell (5" shell) is unambiguous and kept as text.
        var brokenQuoting = new Dictionary<long, CsvMalformedReason>();
        var options = CsvReaderOptions.Default with
        {
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,

            // Spaces around a cell are not part of it (every cell is trimmed anyway), so a hand-written line such as
            // `"Bucha" , "Kyiv, city"` reads as two quoted cells, not as text after a closing quote or a cell split at
            // its comma.
            TrimWhitespace = true,
            OnMalformedRecord = malformed =>
            {
                if (malformed.Reason is CsvMalformedReason.UnterminatedQuote or CsvMalformedReason.TextAfterClosingQuote)
                {
                    brokenQuoting.TryAdd(malformed.RecordNumber, malformed.Reason);
                }
            },
        };
        await using var reader = CsvReader.Create(content, options, leaveOpen: true);
        try
        {
            await reader.ReadHeaderAsync(cancellationToken);
        }
        catch (CsvFormatException ex)
        {
            return new Result(null, [], [], Text.Format("The header could not be read: {0}", ex.Message));
        }

        // A second byte-order mark (a tool that adds one to a file that has one) is not part of the first column's name.
        var headers = reader.Headers.Select(h => h.Trim().Trim('\uFEFF').Trim()).ToList();
        if (Detect(headers) is not { } format)
        {
            return new Result(null, [], [], UnknownFormat(headers));
        }

        // Two columns of one name: which one is meant cannot be known, and reading either would drop the other silently.
        if (headers.Where(h => HeaderKey(h).Length > 0).GroupBy(HeaderKey, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return new Result(null, [], [], Text.Format("The header names {0} more than once; keep one column of each name.", Quoted(string.Join(" / ", twice.Distinct(StringComparer.OrdinalIgnoreCase)))));
        }

        // Each column the format reads, by its canonical name, at its position in this file.
        var readColumns = format == ImportFormat.Incidents ? IncidentColumns : AcledColumns;
        var positions = headers.Select((h, i) => (Key: HeaderKey(h), i)).Where(x => x.Key.Length > 0).ToDictionary(x => x.Key, x => x.i, StringComparer.Ordinal);
        var index = readColumns.Where(c => positions.ContainsKey(HeaderKey(c)))
            .ToDictionary(c => c, c => positions[HeaderKey(c)], StringComparer.OrdinalIgnoreCase);
        var rows = new List<ImportRow>();
        var bad = new List<BadLine>();
        var validator = new RowValidator(clock);
        var firstLineOfEvent = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        try
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                // As a spreadsheet numbers rows: the header is line 1.
                var line = reader.RowNumber + 1;
                if (reader.RowNumber > ImportIncidents.MaxRows)
                {
                    // Said before the rest is read: the rows of a file this long would hold the memory and then the write lock.
                    return new Result(format, [], [], null, TooManyRows: true);
                }

                if (brokenQuoting.Remove(line, out var quoting))
                {
                    bad.Add(new BadLine(line, "(line)", Text.Get(quoting == CsvMalformedReason.UnterminatedQuote
                        ? "A quoted cell on this line is never closed, so every later line would be read into it. Close the quote; a quote inside a quoted cell is written twice (\"\")."
                        : "A quoted cell on this line has text after its closing quote. Put the whole cell in quotes and write a quote inside it twice (\"the \"\"Sunflower\"\" market\").")));
                    continue;
                }

                if (reader.FieldCount != headers.Count)
                {
                    bad.Add(new BadLine(line, "(line)", Text.Format("The line has {0} columns; the header has {1}.", reader.FieldCount, headers.Count)));
                    continue;
                }

                var cells = new Cells(reader, index, line, bad);
                var row = format == ImportFormat.Incidents ? ReadIncident(cells) : ReadAcled(cells, firstLineOfEvent, clock.GetUtcNow());
                var columns = format == ImportFormat.Incidents ? IncidentColumnOf : AcledColumnOf;
                foreach (var failure in validator.Validate(row).Errors)
                {
                    var column = columns.GetValueOrDefault(failure.PropertyName, failure.PropertyName);
                    if (!cells.Failed.Contains(column))
                    {
                        bad.Add(new BadLine(line, column, failure.ErrorMessage));
                        cells.Failed.Add(column);
                    }
                }

                if (cells.Failed.Count == 0)
                {
                    rows.Add(row);
                }
            }
        }
        catch (CsvFormatException ex)
        {
            bad.Add(new BadLine(ex.RecordNumber, "(line)", Text.Format("The file cannot be read as CSV from here on: {0}", ex.Message)));
        }

        bad.Sort((a, b) => a.Line.CompareTo(b.Line));
        return new Result(format, rows, bad, null);
    }

    /// <summary>The most of a cell or header name an answer quotes: enough to find it, never the file sent back.</summary>
    internal const int QuotedLength = 60;

    /// <summary>A cell's text as an answer quotes it, clipped to <see cref="QuotedLength"/> characters.</summary>
    internal static string Quoted(string text) => text.Length <= QuotedLength ? text : string.Concat(text.AsSpan(0, QuotedLength - 1), "…");

    /// <summary>
    /// Why a header is not one of the formats. A file whose first line holds control characters or bytes that are not
    /// text (a workbook saved as .xlsx is a zip; .xls, a PDF or an image) is said to be no CSV at all, without its bytes.
    /// </summary>
    private static string UnknownFormat(List<string> headers)
    {
        if (headers.Count == 0)
        {
            return Text.Format("Unknown format: an empty file. {0}", ExpectedHeaders);
        }

        if (headers.Any(h => h.Contains('\uFFFD', StringComparison.Ordinal) || PlainTextRule.FirstControlCharacter(h) is not null))
        {
            return Text.Format(
                "The file is not a CSV text file (a spreadsheet workbook such as .xlsx, a zip or another binary file?): save it from the spreadsheet as CSV UTF-8 and import that. {0}",
                ExpectedHeaders);
        }

        var shown = string.Join(", ", headers.Take(20).Select(Quoted)) + (headers.Count > 20 ? ", …" : string.Empty);
        return Text.Format("Unknown format: a header of {0}. {1}", shown, ExpectedHeaders);
    }

    private static readonly Dictionary<string, string> IncidentColumnOf = new()
    {
        [nameof(ImportRow.Title)] = "title",
        [nameof(ImportRow.OccurredAt)] = "occurred_at",
        [nameof(ImportRow.CeasedAt)] = "ceased_at",
        [nameof(ImportRow.Oblast)] = "oblast",
        [nameof(ImportRow.Location)] = "location",
        [nameof(ImportRow.Latitude)] = "latitude",
        [nameof(ImportRow.Longitude)] = "longitude",
        [nameof(ImportRow.ViolationType)] = "violation_type",
        [nameof(ImportRow.Severity)] = "severity",
        [nameof(ImportRow.SourceType)] = "source_type",
        [nameof(ImportRow.Killed)] = "killed",
        [nameof(ImportRow.Wounded)] = "wounded",
        [nameof(ImportRow.Description)] = "description",
    };

    private static readonly Dictionary<string, string> AcledColumnOf = new()
    {
        [nameof(ImportRow.Title)] = "event_id_cnty",
        [nameof(ImportRow.OccurredAt)] = "event_date",
        [nameof(ImportRow.CeasedAt)] = "event_date",
        [nameof(ImportRow.Oblast)] = "admin1",
        [nameof(ImportRow.Location)] = "location",
        [nameof(ImportRow.Latitude)] = "latitude",
        [nameof(ImportRow.Longitude)] = "longitude",
        [nameof(ImportRow.ViolationType)] = "sub_event_type",
        [nameof(ImportRow.Severity)] = "fatalities",
        [nameof(ImportRow.SourceType)] = "event_type",
        [nameof(ImportRow.Killed)] = "fatalities",
        [nameof(ImportRow.Wounded)] = "fatalities",
        [nameof(ImportRow.Description)] = "notes",
    };

    private static ImportRow ReadIncident(Cells cells)
    {
        var row = new ImportRow
        {
            Line = cells.Line,
            Title = cells.Text("title"),
            OccurredAt = cells.Instant("occurred_at"),
            CeasedAt = cells.Instant("ceased_at"),
            Oblast = cells.Region("oblast"),
            Latitude = cells.Number("latitude"),
            Longitude = cells.Number("longitude"),
            ViolationType = cells.Name<ViolationType>("violation_type") ?? Domain.ViolationType.Other,
            Severity = cells.Name<Severity>("severity") ?? Domain.Severity.Minor,
            SourceType = cells.Name<SourceType>("source_type") ?? Domain.SourceType.Other,
            Killed = cells.Count("killed"),
            Wounded = cells.Count("wounded"),
            Description = cells.Text("description"),
        };

        // Only title, occurred_at and oblast are required: without a place, the region is the place.
        row.Location = cells.Text("location") is { Length: > 0 } location ? location : row.Oblast;
        if (row.Location is null)
        {
            // No place and no region: the region's message says it; a second one about the place would be noise.
            cells.Failed.Add("location");
        }

        return row;
    }

    private static ImportRow ReadAcled(Cells cells, Dictionary<string, long> firstLineOfEvent, DateTimeOffset now)
    {
        var eventId = cells.Text("event_id_cnty");
        if (string.IsNullOrWhiteSpace(eventId))
        {
            cells.Fail("event_id_cnty", Text.Get("Every ACLED event has an event_id_cnty; this line has none."));
        }
        else if (eventId.Trim().Length > IncidentLimits.ExternalReference - AcledPrefix.Length)
        {
            cells.Fail("event_id_cnty", Text.Format("An event_id_cnty is at most {0} characters; this one has {1}.", IncidentLimits.ExternalReference - AcledPrefix.Length, eventId.Trim().Length));
        }
        else if (!firstLineOfEvent.TryAdd(eventId.Trim(), cells.Line))
        {
            cells.Fail("event_id_cnty", Text.Format("Event {0} is already on line {1}; each event is imported once.", eventId.Trim(), firstLineOfEvent[eventId.Trim()]));
        }

        var day = cells.Day("event_date");
        var subEventType = cells.Text("sub_event_type") ?? string.Empty;
        var eventType = cells.Text("event_type") ?? string.Empty;
        var fatalities = cells.Count("fatalities");
        var location = cells.Text("location");
        var actor = cells.Text("actor1");
        var notes = cells.Text("notes");

        // An ACLED event is a day's event: it began at the start of that day in Kyiv and was over by the next, or 24 hours
        // after it began on the day the clocks go back (25 hours long), which would otherwise reach tier 2. Today's
        // events (an export pulled this afternoon) are taken as over at the import, so they too are history, resolved in
        // tier 1, rather than refused for ending in the future. A day still to come is named once, as the event_date
        // in the future, not a second time for an end that would follow from it.
        // The calendar's last day has no next midnight: its end is taken as the calendar's last tick (it is refused as in
        // the future anyway, and was a 500 when AddDays overflowed).
        DateTimeOffset? start = null, end = null;
        if (day is { } d && KyivTime.TryToUtc(d.ToDateTime(TimeOnly.MinValue), out var startUtc, out _)
            && KyivTime.TryToUtc(d < DateOnly.MaxValue ? d.AddDays(1).ToDateTime(TimeOnly.MinValue) : DateTime.MaxValue, out var endUtc, out _))
        {
            var began = new DateTimeOffset(startUtc, TimeSpan.Zero);
            var dayEnd = new DateTimeOffset(endUtc, TimeSpan.Zero);
            if (dayEnd - began > TimeSpan.FromDays(1))
            {
                dayEnd = began.AddDays(1);
            }

            start = began;
            if (began <= now + IncidentLimits.ClockSkew)
            {
                // Over by the end of its day, or now if that is still to come (never before it began: a day starting
                // within the clock skew ends as it begins).
                end = dayEnd <= now ? dayEnd : began > now ? began : now;
            }
        }

        var what = string.IsNullOrWhiteSpace(subEventType) ? eventType : subEventType;
        var title = $"{eventId?.Trim()} · {what}{(string.IsNullOrWhiteSpace(location) ? string.Empty : " — " + location.Trim())}";
        return new ImportRow
        {
            Line = cells.Line,
            Title = title.Length <= IncidentLimits.Title ? title : title[..(IncidentLimits.Title - 1)] + "…",
            OccurredAt = start,
            CeasedAt = end,
            Oblast = cells.Region("admin1"),
            Location = location,
            Latitude = cells.Number("latitude"),
            Longitude = cells.Number("longitude"),
            ViolationType = AcledViolationType(eventType, subEventType),
            Severity = fatalities switch { >= 10 => Domain.Severity.Major, >= 1 => Domain.Severity.Serious, _ => Domain.Severity.Minor },
            SourceType = Domain.SourceType.OpenSource,
            Killed = fatalities,
            Description = string.IsNullOrWhiteSpace(actor) ? notes : $"{notes} (ACLED {eventType}; actor: {actor.Trim()})".Trim(),

            // Upper case: the file's own duplicate check already takes ukr1 and UKR1 for one event.
            ExternalReference = string.IsNullOrWhiteSpace(eventId) ? null : AcledPrefix + eventId.Trim().ToUpperInvariant(),
        };
    }

    /// <summary>What an ACLED event's <see cref="ImportRow.ExternalReference"/> begins with.</summary>
    public const string AcledPrefix = "ACLED:";

    /// <summary>ACLED's event types as this app's violation types; what has no counterpart is Other.</summary>
    public static ViolationType AcledViolationType(string eventType, string subEventType) => subEventType.Trim().ToUpperInvariant() switch
    {
        "SHELLING/ARTILLERY/MISSILE ATTACK" => Domain.ViolationType.Shelling,
        "AIR/DRONE STRIKE" => Domain.ViolationType.AirStrike,
        "ARMED CLASH" => Domain.ViolationType.SmallArmsFire,
        "GOVERNMENT REGAINS TERRITORY" or "NON-STATE ACTOR OVERTAKES TERRITORY" => Domain.ViolationType.GroundAssault,
        _ when eventType.Trim().Equals("Battles", StringComparison.OrdinalIgnoreCase) => Domain.ViolationType.GroundAssault,
        _ => Domain.ViolationType.Other,
    };

    // Up to nine digits of a second, as Go's RFC3339Nano and the JSON API take them; kept to the tick (100 ns), rounded.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?\s?(Z|[+-]\d{2}(:?\d{2})?)$", RegexOptions.IgnoreCase)]
    private static partial Regex InstantWithOffset();

    /// <summary>The cells of one line, read by column name; every unreadable cell is recorded as a bad line.</summary>
    private sealed class Cells(CsvReader reader, Dictionary<string, int> index, long line, List<BadLine> bad)
    {
        public long Line => line;

        public HashSet<string> Failed { get; } = new(StringComparer.OrdinalIgnoreCase);

        public void Fail(string column, string reason)
        {
            if (Failed.Add(column))
            {
                bad.Add(new BadLine(line, column, reason));
            }
        }

        /// <summary>The cell's text, trimmed, with a neutralised formula read back as what it stood for; null when empty or absent.</summary>
        public string? Text(string column)
        {
            if (!index.TryGetValue(column, out var i))
            {
                return null;
            }

            var text = reader.GetString(i).Trim();
            if (PlainTextRule.FirstControlCharacter(text) is { } control)
            {
                // The rule every request's text follows (Infrastructure.PlainTextRule): the file is no side door.
                Fail(column, Infrastructure.Localization.Text.Format("The cell contains an invisible control character (U+{0:X4}); only tabs and line breaks are allowed.", (int)control));
                return null;
            }

            if (text.Contains('\uFFFD', StringComparison.Ordinal))
            {
                // What the decoder put in for bytes that are not UTF-8: stored, the text would be silently changed.
                Fail(column, Infrastructure.Localization.Text.Get("The cell is not valid UTF-8 text; save the file as UTF-8 (CSV UTF-8 in a spreadsheet)."));
                return null;
            }

            return text.Length == 0 ? null : Unneutralise(text);
        }

        public DateTimeOffset? Instant(string column)
        {
            var text = Text(column);
            if (text is null)
            {
                return null;
            }

            if (InstantWithOffset().IsMatch(text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
            {
                return instant;
            }

            Fail(column, Infrastructure.Localization.Text.Format("'{0}' is not a time with an offset; write ISO 8601 such as {1} or 2026-02-04 08:00:00+02:00.", Quoted(text), ContractText.InstantExample));
            return null;
        }

        private static readonly string[] DayFormats = ["yyyy-MM-dd", "d MMMM yyyy", "dd MMMM yyyy", "d-MMM-yy", "dd/MM/yyyy", "yyyy/MM/dd"];

        public DateOnly? Day(string column)
        {
            var text = Text(column);
            if (text is null)
            {
                Fail(column, Infrastructure.Localization.Text.Get("The event's date is missing."));
                return null;
            }

            if (DateOnly.TryParseExact(text, DayFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return day;
            }

            Fail(column, Infrastructure.Localization.Text.Format("'{0}' is not a date; write it as 2024-01-15 or 15 January 2024.", Quoted(text)));
            return null;
        }

        public string? Region(string column)
        {
            var text = Text(column);
            if (text is null)
            {
                return null;
            }

            if (RegionMatcher.Match(text) is { } region)
            {
                return region;
            }

            Fail(column, Infrastructure.Localization.Text.Format("'{0}' is not one of Ukraine's regions (such as Vinnytsia, Vinnytska oblast, Вінницька область, Kyiv City, м. Київ).", Quoted(text)));
            return null;
        }

        public double? Number(string column)
        {
            var text = Text(column);
            if (text is null)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            {
                return number;
            }

            Fail(column, Infrastructure.Localization.Text.Format("'{0}' is not a number; write decimal degrees with a point, such as 47.6647.", Quoted(text)));
            return null;
        }

        public int? Count(string column)
        {
            var text = Text(column);
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                return count;
            }

            Fail(column, Infrastructure.Localization.Text.Format("'{0}' is not a whole number of people.", Quoted(text)));
            return null;
        }

        public T? Name<T>(string column)
            where T : struct, Enum
        {
            var text = Text(column);
            if (text is null)
            {
                return null;
            }

            if (ContractText.TryParseName<T>(text, out var value))
            {
                return value;
            }

            Fail(column, Infrastructure.Localization.Text.Format("'{0}' is not one of: {1}.", Quoted(text), string.Join(", ", Enum.GetNames<T>())));
            return null;
        }
    }

    /// <summary>A live report's rules, plus the import's own.</summary>
    private sealed class RowValidator : AbstractValidator<ImportRow>
    {
        public RowValidator(TimeProvider clock)
        {
            RuleFor(r => r.Title)
                .NotEmpty().WithMessage("Give the incident a title.")
                .MaximumLength(IncidentLimits.Title)
                .WithMessage(r => Text.Format("The title is {0} characters long; at most {1} are allowed.", r.Title?.Length, IncidentLimits.Title));
            RuleFor(r => r.Description)
                .MaximumLength(IncidentLimits.Description)
                .WithMessage(r => Text.Format("The text is {0} characters long; at most {1} are allowed.", r.Description?.Length, IncidentLimits.Description));
            RuleFor(r => r.Location)
                .MaximumLength(IncidentLimits.Location)
                .WithMessage(r => Text.Format("The location is {0} characters long; at most {1} are allowed.", r.Location?.Length, IncidentLimits.Location));
            Include(new ReportFieldsValidator(clock));
            RuleFor(r => r.CeasedAt)
                .Must((r, ceased) => r.OccurredAt is null || ceased >= r.OccurredAt)
                .When(r => r.CeasedAt is not null)
                .WithMessage(r => Text.Format("Hostilities cannot cease ({0:u}) before they began ({1:u}).", r.CeasedAt, r.OccurredAt));
            RuleFor(r => r.CeasedAt)
                .Must(ceased => ceased <= clock.GetUtcNow() + IncidentLimits.ClockSkew)
                .When(r => r.CeasedAt is not null)
                .WithMessage(r => Text.Format("The time hostilities ceased ({0:u}) is in the future; leave ceased_at empty while they continue.", r.CeasedAt));
        }
    }
}
