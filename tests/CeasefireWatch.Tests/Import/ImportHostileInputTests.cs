using CeasefireWatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;
using static CeasefireWatch.Tests.Infrastructure.Imports;

namespace CeasefireWatch.Tests.Import;

/// <summary>Files an attacker or an unlucky operator sends to <c>POST /api/imports</c>: each is a clear 400 naming its lines, never a 500.</summary>
public sealed class ImportHostileInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Found from outside: an ACLED event dated on the calendar's last day (9999-12-31, in either date form) was a 500,
    /// as the end of its day (the next midnight) cannot be written. It is a date in the future like any other.
    /// </summary>
    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("31 December 9999")]
    [InlineData("0001-01-01")]
    public async Task An_acled_event_on_the_first_or_last_day_of_the_calendar_is_a_bad_line(string date)
    {
        await using var app = new CeasefireWatchFactory();

        var lines = await AssertRejectedAsync(await PostAsync(app.CreateApiClient(), AcledHeader
            + Acled("UKR900001", date, "Battles", "Armed clash", "Donetsk", "Bakhmut", "48.59", "38.00", "Clash.", "0")));

        var line = Assert.Single(lines);
        Assert.Equal((2L, "event_date"), (line.Line, line.Column));
        Assert.Contains(date.StartsWith("0001", StringComparison.Ordinal) ? "after 2014" : "in the future", line.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }
    /// <summary>
    /// Found from outside: a quote opened in the last cell of a line and never closed swallowed every later line into that
    /// cell, so a file of three incidents imported as one whose description held the other two (200, "rows": 1). Text
    /// after a closing quote was silently joined to the cell. Both are bad lines naming the broken quoting; a stray quote
    /// inside an unquoted cell (<c>5" shell</c>) is unambiguous and kept as text.
    /// </summary>
    [Fact]
    public async Task Broken_quoting_is_a_bad_line_and_never_swallows_later_lines()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var at = Iso(app.Now.AddHours(-1));

        var unclosed = await AssertRejectedAsync(await PostAsync(client, "title,occurred_at,oblast,description\r\n"
            + $"First,{at},Sumy,\"he said \"\"hi\r\n"
            + $"Second,{at},Sumy,second\r\n"
            + $"Third,{at},Sumy,third\r\n"));
        var line = Assert.Single(unclosed);
        Assert.Equal((2L, "(line)"), (line.Line, line.Column));
        Assert.Contains("never closed", line.Reason, StringComparison.Ordinal);

        var after = await AssertRejectedAsync(await PostAsync(client, "title,occurred_at,oblast,description\r\n"
            + $"First,{at},Sumy,fine\r\n"
            + $"Second,{at},Sumy,\"the \"\"Sunflower\"\" market\"z\r\n"));
        line = Assert.Single(after);
        Assert.Equal((3L, "(line)"), (line.Line, line.Column));
        Assert.Contains("after its closing quote", line.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));

        var stray = await AssertImportedAsync(await PostAsync(client, "title,occurred_at,oblast\r\n" + $"5\" shell,{at},Sumy\r\n"));
        Assert.Equal(1, stray.GetProperty("imported").GetInt32());
        Assert.Equal("5\" shell", await app.WithDbAsync(db => db.Incidents.Select(i => i.Title).SingleAsync(Ct)));

        // Spaces around quoted cells, as people write by hand, are neither text after a quote nor part of the cell.
        var spaced = await AssertImportedAsync(await PostAsync(client, "title, occurred_at, oblast, description\r\n"
            + $"\"Spaced\" , {at} , Sumy, \"x, y\"\r\n"));
        Assert.Equal(1, spaced.GetProperty("imported").GetInt32());
        Assert.Equal(("Spaced", "x, y"), await app.WithDbAsync(db => db.Incidents.Where(i => i.Title == "Spaced").Select(i => new ValueTuple<string, string?>(i.Title, i.Description)).SingleAsync(Ct)));
    }
    /// <summary>
    /// Found from outside: an Excel workbook (.xlsx is a zip) or any binary file sent instead of a CSV was answered with
    /// its bytes echoed as "a header of PK…", and a 10 MB file of one line was answered with a 10 MB message (the page
    /// showed it too). A binary file is named as such, with what to do; what the answer quotes from the file is clipped.
    /// </summary>
    [Fact]
    public async Task A_workbook_or_binary_file_is_named_as_not_csv_and_the_answer_quotes_only_a_little_of_the_file()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();

        byte[] xlsx = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0xFF, 0xFE, (byte)',', 0x01];
        var workbook = await Problems.AssertValidationProblemAsync(await PostAsync(client, xlsx), "file");
        var said = workbook.GetProperty("file")[0].GetString()!;
        Assert.Contains("not a CSV text file", said, StringComparison.Ordinal);
        Assert.Contains("CSV UTF-8", said, StringComparison.Ordinal);
        Assert.DoesNotContain("PK", said, StringComparison.Ordinal);

        var longHeader = await Problems.AssertValidationProblemAsync(await PostAsync(client, new string('x', 1_000_000) + ",y\r\n1,2\r\n"), "file");
        Assert.InRange(longHeader.GetProperty("file")[0].GetString()!.Length, 1, 2_000);

        var longCell = new string('9', 1_000_000);
        var lines = await AssertRejectedAsync(await PostAsync(client, "title,occurred_at,oblast,latitude,longitude\r\n"
            + $"Long,{longCell},{longCell},{longCell},{longCell}\r\n"));
        Assert.Equal(["latitude", "longitude", "oblast", "occurred_at"], lines.Select(l => l.Column).Order(StringComparer.Ordinal));
        Assert.All(lines, l => Assert.InRange(l.Reason.Length, 1, 300));
        Assert.All(lines, l => Assert.Contains("…", l.Reason, StringComparison.Ordinal));
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }
    /// <summary>
    /// Found from outside: 50 MB holds 1.7 million short rows, not the "about 200,000" the documentation promised. A file
    /// of 500,000 (17 MB) held the write lock for half a minute (live reports meanwhile got 503 after 10 s) and took the
    /// app to 2 GB. A file of more rows than <see cref="Web.Features.Import.ImportIncidents.MaxRows"/> is a 413 saying
    /// to split it, found without reading further, and nothing is imported.
    /// </summary>
    [Fact]
    public async Task A_file_of_more_rows_than_one_import_takes_is_a_413_and_imports_nothing()
    {
        await using var app = new CeasefireWatchFactory();
        var max = Web.Features.Import.ImportIncidents.MaxRows;
        var row = $"t,{Iso(app.Now.AddDays(-1))},Sumy\r\n";
        var file = new System.Text.StringBuilder("title,occurred_at,oblast\r\n", 30 + (row.Length * (max + 1)));
        for (var n = 0; n <= max; n++)
        {
            file.Append(row);
        }

        using var response = await PostAsync(app.CreateApiClient(), file.ToString(), dryRun: true);

        var problem = await Problems.AssertProblemAsync(response, System.Net.HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("200000 rows", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }
    /// <summary>
    /// Found from outside: a file saved with a byte-order mark twice (a tool that adds one to a file that has one) was
    /// "Unknown format: a header of title, occurred_at, oblast", the second, invisible mark glued to the first name.
    /// </summary>
    [Fact]
    public async Task A_second_byte_order_mark_before_the_header_is_ignored()
    {
        await using var app = new CeasefireWatchFactory();
        var file = "\uFEFF\uFEFFtitle,occurred_at,oblast\r\n" + $"Twice marked,{Iso(app.Now.AddHours(-1))},Sumy\r\n";

        var answer = await AssertImportedAsync(await PostAsync(app.CreateApiClient(), file));

        Assert.Equal(1, answer.GetProperty("imported").GetInt32());
        Assert.Equal("Twice marked", await app.WithDbAsync(db => db.Incidents.Select(i => i.Title).SingleAsync(Ct)));
    }
    /// <summary>
    /// Found from outside: header names were matched exactly (but for case), so a column spelled the JSON API's way
    /// (<c>ceasedAt</c>, <c>violationType</c>) or with spaces (<c>Ceased At</c>) was ignored without a word: a file of
    /// incidents that had ended imported them all as still active (reaching tier 3), and every type as Other. Such names
    /// are read as the columns they name; the same column spelled twice is a 400.
    /// </summary>
    [Fact]
    public async Task Columns_spelled_the_json_way_or_with_spaces_are_read_and_not_ignored()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var began = app.Now.AddDays(-5);

        var answer = await AssertImportedAsync(await PostAsync(client, "Title,occurredAt,Ceased At,OBLAST,violationType,source-type,Killed\r\n"
            + Line("Spelled otherwise", Iso(began), Iso(began.AddHours(2)), "Sumy", "DroneStrike", "GroundSensor", "2")));

        Assert.Equal(1, answer.GetProperty("imported").GetInt32());
        var incident = await app.WithDbAsync(db => db.Incidents.SingleAsync(Ct));
        Assert.Equal(
            (Web.Domain.IncidentStatus.Resolved, Web.Domain.Stage.UkrainianForces, began.AddHours(2).UtcDateTime, Web.Domain.ViolationType.DroneStrike, Web.Domain.SourceType.GroundSensor, (int?)2),
            (incident.Status, incident.Stage, incident.CeasedAt!.Value, incident.ViolationType, incident.SourceType, incident.Killed));

        var twice = await Problems.AssertValidationProblemAsync(await PostAsync(client, "title,occurred_at,oblast,ceased_at,ceasedAt\r\n"
            + Line("Twice", Iso(began), "Sumy", Iso(began.AddHours(1)), Iso(began.AddHours(2)))), "file");
        Assert.Contains("ceased_at / ceasedAt more than once", twice.GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }
    /// <summary>
    /// Found from outside: a time with nanoseconds (Go's RFC3339Nano, which monitoring pipelines write) was refused as "not
    /// a time with an offset", though the JSON API takes the same text. It is read as the JSON API reads it, to the tick.
    /// </summary>
    [Fact]
    public async Task A_time_with_nine_digits_of_a_second_is_read_as_the_json_api_reads_it()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var text = app.Now.AddHours(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + ".123456789Z";

        await AssertImportedAsync(await PostAsync(client, "title,occurred_at,oblast\r\n" + Line("Nanoseconds", text, "Sumy")));
        var logged = await app.LogIncidentAsync(client, app.Now, body => body["occurredAt"] = text);

        // Both as stored: SQLite keeps the tick (100 ns), PostgreSQL the microsecond.
        var imported = await app.WithDbAsync(db => db.Incidents.Where(i => i.Title == "Nanoseconds").Select(i => i.OccurredAt).SingleAsync(Ct));
        var live = await app.WithDbAsync(db => db.Incidents.Where(i => i.Id == logged.Id).Select(i => i.OccurredAt).SingleAsync(Ct));
        Assert.Equal(live, imported);
        Assert.Equal(app.OnPostgres ? 1234560 : 1234568, imported.Ticks % TimeSpan.TicksPerSecond);
    }
    /// <summary>
    /// Found from outside: a 5 MB file of 200,000 bad lines was answered with 131 MB, each bad line told twice, as a
    /// sentence in <c>errors.file</c> and as data in <c>lines</c>. <c>lines</c> still lists every one (CONTRACT.md); the
    /// sentences stop after the first hundred and say how many more there are.
    /// </summary>
    [Fact]
    public async Task Every_bad_line_is_in_lines_but_only_the_first_hundred_are_repeated_as_sentences()
    {
        await using var app = new CeasefireWatchFactory();
        var file = "title,occurred_at,oblast\r\n" + string.Concat(Enumerable.Range(1, 150).Select(n => Line($"Bad {n}", "yesterday", "Sumy")));

        using var response = await PostAsync(app.CreateApiClient(), file, dryRun: true);
        var problem = await Problems.AssertProblemAsync(response, System.Net.HttpStatusCode.BadRequest);

        Assert.Equal(Enumerable.Range(2, 150).Select(n => (long)n), problem.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("line").GetInt64()));
        var sentences = problem.GetProperty("errors").GetProperty("file").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(101, sentences.Count);
        Assert.StartsWith("Line 101, occurred_at:", sentences[99], StringComparison.Ordinal);
        Assert.Equal("… and 50 more; every bad line is in 'lines'.", sentences[100]);
        Assert.Equal("150 bad line(s); nothing was imported.", problem.GetProperty("title").GetString());
    }
    /// <summary>
    /// Found from outside: two large imports sent at once (two analysts, or one retrying) raced for SQLite's write lock,
    /// and the second, waiting longer than <c>Database:BusyTimeout</c> while the first wrote, failed with a 503 although
    /// nothing was wrong with it. Imports now take turns for the write; each comes in whole.
    /// </summary>
    [Fact]
    public async Task Two_large_imports_sent_at_once_take_turns_and_both_come_in()
    {
        await using var app = new CeasefireWatchFactory { Settings = new Dictionary<string, string?> { ["Database:BusyTimeout"] = "00:00:00.050" } };
        string File(string name) => "title,occurred_at,ceased_at,oblast\r\n" + string.Concat(Enumerable.Range(1, 15_000).Select(n =>
            $"{name} {n},{Iso(app.Now.AddDays(-3).AddMinutes(-n))},{Iso(app.Now.AddDays(-3).AddMinutes(-n + 30))},Sumy\r\n"));
        var (first, second) = (File("First"), File("Second"));
        using var one = app.CreateApiClient();
        using var two = app.CreateApiClient();

        var answers = await Task.WhenAll(PostAsync(one, first), PostAsync(two, second));

        foreach (var answer in answers)
        {
            Assert.Equal(15_000, (await AssertImportedAsync(answer)).GetProperty("imported").GetInt32());
            answer.Dispose();
        }

        Assert.Equal(30_000, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }
}
