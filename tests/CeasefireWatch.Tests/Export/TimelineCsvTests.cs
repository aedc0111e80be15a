using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using CsvHelper;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;
using static CeasefireWatch.Tests.Infrastructure.Problems;

namespace CeasefireWatch.Tests.Export;

/// <summary>
/// The CSV exports, read back with CsvHelper's reader. One app for the class; each test makes its own incidents
/// and the whole-export tests filter on oblasts no other test here uses.
/// </summary>
public sealed partial class TimelineCsvTests(CeasefireWatchFactory factory) : IClassFixture<CeasefireWatchFactory>
{
    private static readonly string[] ContractColumns =
        ["incident_reference", "incident_title", "at_utc", "kind", "stage", "actor", "details", "due_at_utc"];

    private readonly HttpClient client = factory.CreateApiClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,6}[1-9])?Z$")]
    private static partial Regex IsoUtc();

    /// <summary>A CSV answer: its raw bytes, its header and its rows as column name to text.</summary>
    private sealed record Csv(byte[] Bytes, IReadOnlyList<string> Headers, IReadOnlyList<Dictionary<string, string>> Rows)
    {
        public string Text => Encoding.UTF8.GetString(Bytes);
    }

    private async Task<Csv> GetCsvAsync(string path)
    {
        using var response = await client.GetAsync(path, Ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet, ignoreCase: true);

        using var stream = new MemoryStream(bytes);
        using var reader = CsvReader.Create(stream, CsvReaderOptions.Default);
        var headers = reader.Headers.ToList();
        var rows = new List<Dictionary<string, string>>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(headers.ToDictionary(h => h, h => reader.GetString(h)));
        }

        return new Csv(bytes, headers, rows);
    }

    private async Task<IncidentResponse> LogAsync(string title, DateTimeOffset? occurredAt = null, Action<Dictionary<string, object?>>? change = null) =>
        await factory.LogIncidentAsync(client, occurredAt, body =>
        {
            body["title"] = title;
            change?.Invoke(body);
        });

    private async Task PostOkAsync(string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body, Json, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The CSV's UTC form: the text System.Text.Json writes for the instant (to the tick, with a Z, the fraction as long as it needs).</summary>
    private static string Z(DateTime utc) => JsonSerializer.Serialize(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).Trim('"');

    /// <summary>The CSV's Kyiv form: the same, with the offset.</summary>
    private static string Kyiv(DateTimeOffset instant) => JsonSerializer.Serialize(instant.ToOffset(TimeSpan.FromHours(2))).Trim('"');

    [Fact]
    public async Task Times_keep_the_full_precision_the_json_has_with_kyiv_time_beside_each()
    {
        // A first violation with ticks below the second: the CSV used to cut it to whole seconds.
        var sent = factory.Now.AddHours(-30).AddTicks(-1_234_567);
        var logged = await LogAsync("Sub-second", sent);

        // SQLite keeps every tick; PostgreSQL's timestamptz keeps microseconds (the JSON then says the same).
        var occurred = factory.OnPostgres ? sent.AddTicks(-(sent.UtcTicks % 10)) : sent;
        var incident = await GetIncidentAsync(client, logged.Id);

        var csv = await GetCsvAsync($"/api/incidents/{logged.Id}/timeline.csv");

        var tiers = csv.Rows.Where(r => r["kind"] == "StageEntered").ToList();
        Assert.Equal(incident.StagesEntered.Select(e => Z(e.DueAt!.Value)), tiers.Select(r => r["due_at_utc"]));
        Assert.Equal(Z(occurred.UtcDateTime), tiers[0]["due_at_utc"]);
        Assert.Equal(Z(incident.StagesEntered[1].DueAt!.Value), tiers[1]["due_at_utc"]);
        Assert.EndsWith(factory.OnPostgres ? ".876543Z" : ".8765433Z", tiers[0]["due_at_utc"], StringComparison.Ordinal);

        // Kyiv time beside each UTC column, offset written out (winter: +02:00).
        // The contract's columns first in its order; the Kyiv twins right after them.
        Assert.Equal(ContractColumns.Concat(["due_at_kyiv", "at_kyiv"]), csv.Headers.Take(ContractColumns.Length + 2));
        Assert.Equal(Kyiv(new DateTimeOffset(incident.Entries[0].At)), csv.Rows[0]["at_kyiv"]);
        Assert.Equal(Kyiv(occurred), tiers[0]["due_at_kyiv"]);
        Assert.All(csv.Rows.Where(r => r["kind"] != "StageEntered"), r => Assert.Equal(string.Empty, r["due_at_kyiv"]));
    }

    [Fact]
    public async Task Bom_true_starts_the_timeline_with_a_byte_order_mark()
    {
        var logged = await LogAsync("BOM");

        var csv = await GetCsvAsync($"/api/incidents/{logged.Id}/timeline.csv?bom=true");

        Assert.True(csv.Bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        Assert.Equal("incident_reference", csv.Headers[0]);
    }

    [Fact]
    public async Task One_incident_timeline_has_the_contract_columns_and_one_row_per_timeline_entry()
    {
        var logged = await LogAsync("Shelling near Orikhiv", factory.Now.AddHours(-30));
        await PostOkAsync($"/api/incidents/{logged.Id}/notes", new { text = "Imagery requested." });
        await PostOkAsync($"/api/incidents/{logged.Id}/resolve", new { reason = "Quiet since noon." });
        var incident = await GetIncidentAsync(client, logged.Id);

        var csv = await GetCsvAsync($"/api/incidents/{logged.Id}/timeline.csv");

        Assert.All(ContractColumns, column => Assert.Contains(column, csv.Headers));
        Assert.Equal(incident.Entries.Count, csv.Rows.Count);
        foreach (var (entry, row) in incident.Entries.Zip(csv.Rows))
        {
            Assert.Equal(incident.Reference, row["incident_reference"]);
            Assert.Equal("Shelling near Orikhiv", row["incident_title"]);
            Assert.Equal(Z(entry.At), row["at_utc"]);
            Assert.Equal(entry.Kind.ToString(), row["kind"]);
            Assert.Equal(entry.Stage.ToString(), row["stage"]);
            Assert.Equal(entry.Actor, row["actor"]);
            Assert.Equal(entry.Details, row["details"]);
            Assert.Equal(entry.DueAt is { } due ? Z(due) : string.Empty, row["due_at_utc"]);
        }

        Assert.Equal(
            ["Reported", "StageEntered", "StageEntered", "Note", "Resolved"],
            csv.Rows.Select(r => r["kind"]));

        // The same text as the API's JSON, character for character: a script may compare the two as strings. The
        // whole-second instants (the tiers' dueAt) were written with seven zero digits the JSON does not have.
        using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/incidents/{logged.Id}", UriKind.Relative), Ct));
        var timeline = json.RootElement.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(timeline.Select(e => e.GetProperty("at").GetString()), csv.Rows.Select(r => r["at_utc"]));
        Assert.Equal(
            timeline.Select(e => e.GetProperty("dueAt") is { ValueKind: JsonValueKind.String } due ? due.GetString() : string.Empty),
            csv.Rows.Select(r => r["due_at_utc"]));
        Assert.Contains(csv.Rows, r => r["due_at_utc"].Length == "2026-02-04T06:00:00Z".Length);
        Assert.Equal(["UkrainianForces", "Coalition"], csv.Rows.Where(r => r["kind"] == "StageEntered").Select(r => r["stage"]));
        Assert.All(csv.Rows.Where(r => r["kind"] == "StageEntered"), r => Assert.Equal(Incident.EngineActor, r["actor"]));
    }

    [Fact]
    public async Task Times_are_iso_utc_with_a_z_and_due_instants_only_on_tier_changes()
    {
        var logged = await LogAsync("Late report", factory.Now.AddHours(-80));

        var csv = await GetCsvAsync($"/api/incidents/{logged.Id}/timeline.csv");

        Assert.All(csv.Rows, r => Assert.Matches(IsoUtc(), r["at_utc"]));
        var stages = csv.Rows.Where(r => r["kind"] == "StageEntered").ToList();
        Assert.Equal(3, stages.Count);
        var t0 = logged.OccurredAt;
        Assert.Equal([Z(t0), Z(t0.AddHours(24)), Z(t0.AddHours(72))], stages.Select(r => r["due_at_utc"]));
        Assert.All(csv.Rows.Where(r => r["kind"] != "StageEntered"), r => Assert.Equal(string.Empty, r["due_at_utc"]));
    }

    [Fact]
    public async Task Ukrainian_text_round_trips_as_utf8_without_a_byte_order_mark()
    {
        var logged = await LogAsync("Обстріл Гуляйполя", change: body =>
        {
            body["location"] = "Гуляйполе";
            body["description"] = "Пошкоджено школу № 2; «Град» з півдня.";
        });

        var csv = await GetCsvAsync($"/api/incidents/{logged.Id}/timeline.csv");

        Assert.False(csv.Bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), "The CSV must not start with a byte-order mark.");
        Assert.StartsWith("incident_reference,", csv.Text, StringComparison.Ordinal);
        Assert.All(csv.Rows, r => Assert.Equal("Обстріл Гуляйполя", r["incident_title"]));
        var reported = Assert.Single(csv.Rows, r => r["kind"] == "Reported");
        Assert.Contains("Гуляйполе", reported["details"], StringComparison.Ordinal);
        Assert.EndsWith("Пошкоджено школу № 2; «Град» з півдня.", reported["details"], StringComparison.Ordinal);
        Assert.True(
            csv.Bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes("Обстріл Гуляйполя")) >= 0,
            "The Ukrainian title must be in the file as UTF-8 bytes.");
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"Click\")")]
    [InlineData("+380 shells")]
    [InlineData("-1 day of ceasefire")]
    [InlineData("@SUM(A1:A9)")]
    public async Task A_cell_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(string title)
    {
        var logged = await LogAsync(title);
        await PostOkAsync($"/api/incidents/{logged.Id}/notes", new { text = title });

        var csv = await GetCsvAsync($"/api/incidents/{logged.Id}/timeline.csv");

        Assert.All(csv.Rows, r => Assert.Equal("'" + title, r["incident_title"]));
        Assert.Equal("'" + title, Assert.Single(csv.Rows, r => r["kind"] == "Note")["details"]);
    }

    [Fact]
    public async Task Ordinary_text_is_not_touched_by_the_formula_guard()
    {
        const string title = "Strike = 3 shells + 1 drone - no casualties @ dawn";
        var logged = await LogAsync(title);

        var csv = await GetCsvAsync($"/api/incidents/{logged.Id}/timeline.csv");

        Assert.All(csv.Rows, r => Assert.Equal(title, r["incident_title"]));
        Assert.All(csv.Rows, r => Assert.False(r["details"].StartsWith('\''), r["details"]));
    }

    [Fact]
    public async Task Commas_quotes_and_newlines_are_quoted_per_rfc_4180_and_round_trip()
    {
        const string title = "Strike on \"Sunflower\" market, Kharkiv";
        const string description = "First line, with a comma.\nSecond line: \"quoted\".\r\nThird line.";
        var logged = await LogAsync(title, change: body => body["description"] = description);

        var csv = await GetCsvAsync($"/api/incidents/{logged.Id}/timeline.csv");

        Assert.Contains("\"Strike on \"\"Sunflower\"\" market, Kharkiv\"", csv.Text, StringComparison.Ordinal);
        Assert.All(csv.Rows, r => Assert.Equal(title, r["incident_title"]));
        var reported = Assert.Single(csv.Rows, r => r["kind"] == "Reported");
        Assert.EndsWith(description, reported["details"], StringComparison.Ordinal);
        var incident = await GetIncidentAsync(client, logged.Id);
        Assert.Equal(incident.Entries.Count, csv.Rows.Count);
    }

    [Fact]
    public async Task The_whole_export_holds_every_matching_incident_timeline_in_order_of_first_violation()
    {
        var later = await LogAsync("Volyn later", factory.Now.AddHours(-1), body => body["oblast"] = "Volyn");
        var earlier = await LogAsync("Volyn earlier", factory.Now.AddHours(-30), body => body["oblast"] = "volyn");
        var elsewhere = await LogAsync("Rivne", factory.Now.AddHours(-2), body => body["oblast"] = "Rivne");
        await PostOkAsync($"/api/incidents/{later.Id}/resolve", new { });
        var laterTimeline = (await GetIncidentAsync(client, later.Id)).Entries;
        var earlierTimeline = (await GetIncidentAsync(client, earlier.Id)).Entries;

        var all = await GetCsvAsync("/api/timeline.csv?oblast=VOLYN");
        var resolved = await GetCsvAsync("/api/timeline.csv?oblast=Volyn&status=Resolved");
        var window = await GetCsvAsync($"/api/timeline.csv?oblast=Volyn&from={Uri.EscapeDataString(Iso(factory.Now.AddHours(-31)))}&to={Uri.EscapeDataString(Iso(factory.Now.AddHours(-29)))}");

        Assert.Equal(
            Enumerable.Repeat(earlier.Reference, earlierTimeline.Count).Concat(Enumerable.Repeat(later.Reference, laterTimeline.Count)),
            all.Rows.Select(r => r["incident_reference"]));
        Assert.Equal(earlierTimeline.Select(e => e.Kind.ToString()).Concat(laterTimeline.Select(e => e.Kind.ToString())), all.Rows.Select(r => r["kind"]));
        Assert.DoesNotContain(all.Rows, r => r["incident_reference"] == elsewhere.Reference);
        Assert.All(all.Rows, r => Assert.Equal("Volyn", r["oblast"]));
        Assert.Equal(Enumerable.Repeat(later.Reference, laterTimeline.Count), resolved.Rows.Select(r => r["incident_reference"]));
        Assert.Equal(Enumerable.Repeat(earlier.Reference, earlierTimeline.Count), window.Rows.Select(r => r["incident_reference"]));
    }

    [Fact]
    public async Task An_export_that_matches_nothing_is_just_the_header()
    {
        var csv = await GetCsvAsync("/api/timeline.csv?oblast=Lviv");

        Assert.Empty(csv.Rows);
        Assert.All(ContractColumns, column => Assert.Contains(column, csv.Headers));
    }

    [Theory]
    [InlineData("stage=Nope", "stage")]
    [InlineData("status=Open", "status")]
    [InlineData("oblast=Atlantis", "oblast")]
    [InlineData("from=2026-02-04T06:00:00Z&to=2026-02-03T06:00:00Z", "to")]
    public async Task A_bad_filter_is_a_400_problem_not_a_half_written_file(string query, string field)
    {
        using var response = await client.GetAsync($"/api/timeline.csv?{query}", Ct);

        await AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task A_missing_incident_is_a_404_problem()
    {
        using var response = await client.GetAsync("/api/incidents/987654/timeline.csv", Ct);

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }
}
