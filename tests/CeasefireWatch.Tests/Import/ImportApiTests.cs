using System.Net;
using System.Net.Http.Json;
using System.Text;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;
using static CeasefireWatch.Tests.Infrastructure.Imports;

namespace CeasefireWatch.Tests.Import;

/// <summary><c>POST /api/imports</c> and <c>GET /api/incidents.csv</c>: formats, bad lines, dry runs, and the round trip.</summary>
public sealed class ImportApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_acled_export_imports_one_resolved_incident_per_event_with_types_regions_and_casualties()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var file = AcledHeader
            + Acled("UKR100001", "2024-01-15", "Explosions/Remote violence", "Shelling/artillery/missile attack", "Zaporizhia", "Huliaipole", "47.6647", "36.2631", "Shelling of Huliaipole, 2 houses damaged.", "0")
            + Acled("UKR100002", "2024-01-16", "Explosions/Remote violence", "Air/drone strike", "Kyiv City", "Kyiv", "50.4501", "30.5234", "Drone strike, \"Shahed\" type; 3 killed.", "3")
            + Acled("UKR100003", "17 January 2024", "Battles", "Armed clash", "Donetsk", "Avdiivka", "48.1394", "37.7497", "Clashes near the coke plant.", "12")
            + Acled("UKR100004", "2024-07-01", "Violence against civilians", "Attack", "Odesa", "Odesa", "46.4825", "30.7233", "Attack on civilians.", "1")
            + Acled("UKR100005", "2024-01-18", "Strategic developments", "Disrupted weapons use", "Kharkivska oblast", "Kharkiv", "49.9935", "36.2304", "Missile intercepted.", "0");

        using var response = await PostAsync(client, file);
        var body = await AssertImportedAsync(response);

        Assert.Equal("Acled", body.GetProperty("format").GetString());
        Assert.Equal(5, body.GetProperty("imported").GetInt32());
        var incidents = (await ListIncidentsAsync(client, "pageSize=50")).Items.OrderBy(i => i.Id).ToList();
        Assert.Equal(["Zaporizhzhia", "Kyiv City", "Donetsk", "Odesa", "Kharkiv"], incidents.Select(i => i.Oblast));
        Assert.Equal([ViolationType.Shelling, ViolationType.AirStrike, ViolationType.SmallArmsFire, ViolationType.Other, ViolationType.Other], incidents.Select(i => i.ViolationType));
        Assert.Equal([Severity.Minor, Severity.Serious, Severity.Major, Severity.Serious, Severity.Minor], incidents.Select(i => i.Severity));
        Assert.Equal([0, 3, 12, 1, 0], incidents.Select(i => i.Killed));
        Assert.All(incidents, i => Assert.Equal(IncidentStatus.Resolved, i.Status));
        Assert.All(incidents, i => Assert.Equal(SourceType.OpenSource, i.SourceType));

        // A day's event: from midnight in Kyiv (UTC+2 in January, +3 in July) to the next midnight; never 24 h "still active".
        Assert.Equal(new DateTime(2024, 1, 14, 22, 0, 0, DateTimeKind.Utc), incidents[0].OccurredAt);
        Assert.Equal(new DateTime(2024, 1, 15, 22, 0, 0, DateTimeKind.Utc), incidents[0].CeasedAt);
        Assert.Equal(new DateTime(2024, 1, 16, 22, 0, 0, DateTimeKind.Utc), incidents[2].OccurredAt);
        Assert.Equal(new DateTime(2024, 6, 30, 21, 0, 0, DateTimeKind.Utc), incidents[3].OccurredAt);
        Assert.All(incidents, i => Assert.Equal(Stage.UkrainianForces, i.Stage));
        Assert.StartsWith("UKR100002", incidents[1].Title, StringComparison.Ordinal);
        Assert.Contains("\"Shahed\" type; 3 killed.", incidents[1].Description, StringComparison.Ordinal);
        Assert.Equal(47.6647, incidents[0].Latitude);
    }

    /// <summary>
    /// Found from outside: an event on the day Kyiv's clocks go back (25 hours, midnight to midnight) was imported as
    /// still active 24 hours after it began, and so as having reached tier 2. The day the clocks go forward is 23 hours.
    /// </summary>
    [Fact]
    public async Task An_acled_event_on_either_clock_change_day_stays_in_tier_1()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var body = await AssertImportedAsync(await PostAsync(client, AcledHeader
            + Acled("UKR300001", "2024-10-27", "Battles", "Armed clash", "Kyiv", "Bucha", "50.54", "30.21", "Clashes.", "0")
            + Acled("UKR300002", "2024-03-31", "Battles", "Armed clash", "Kyiv", "Bucha", "50.54", "30.21", "Clashes.", "0")));

        var reached = body.GetProperty("replay").GetProperty("reached");
        Assert.Equal(2, reached.GetProperty("UkrainianForces").GetInt32());
        Assert.Equal(0, reached.GetProperty("Coalition").GetInt32());
        var incidents = (await ListIncidentsAsync(client, "pageSize=50")).Items.OrderBy(i => i.Id).ToList();
        Assert.All(incidents, i => Assert.Equal(Stage.UkrainianForces, i.Stage));
        Assert.Equal(new DateTime(2024, 10, 26, 21, 0, 0, DateTimeKind.Utc), incidents[0].OccurredAt); // midnight EEST
        Assert.Equal(new DateTime(2024, 10, 27, 21, 0, 0, DateTimeKind.Utc), incidents[0].CeasedAt);   // 23:00 EET, 24 h on
        Assert.Equal(new DateTime(2024, 3, 30, 22, 0, 0, DateTimeKind.Utc), incidents[1].OccurredAt);  // midnight EET
        Assert.Equal(new DateTime(2024, 3, 31, 21, 0, 0, DateTimeKind.Utc), incidents[1].CeasedAt);    // midnight EEST, 23 h on
    }

    /// <summary>
    /// An export pulled today holds today's events, whose Kyiv day is not over: they were refused as ending in the future
    /// (naming a ceased_at column ACLED does not have). They are history like the rest, over at the import. A day still
    /// to come is one bad line, named once.
    /// </summary>
    [Fact]
    public async Task Todays_acled_events_are_imported_as_over_at_the_import_and_a_day_to_come_is_named_once()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var kyivToday = DateOnly.FromDateTime(app.Now.ToOffset(TimeSpan.FromHours(2)).DateTime);
        var today = kyivToday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var yesterday = kyivToday.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var tomorrow = kyivToday.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var ahead = await AssertRejectedAsync(await PostAsync(client, AcledHeader
            + Acled("UKR200003", tomorrow, "Battles", "Armed clash", "Donetsk", "Pokrovsk", "48.28", "37.18", "Clashes.", "0"), dryRun: true));
        var line = Assert.Single(ahead);
        Assert.Equal((2L, "event_date"), (line.Line, line.Column));
        Assert.Contains("in the future", line.Reason, StringComparison.Ordinal);

        using var response = await PostAsync(client, AcledHeader
            + Acled("UKR200001", yesterday, "Battles", "Armed clash", "Donetsk", "Pokrovsk", "48.28", "37.18", "Clashes.", "0")
            + Acled("UKR200002", today, "Explosions/Remote violence", "Air/drone strike", "Kharkiv", "Kharkiv", "49.99", "36.23", "Drones.", "1"));
        Assert.Equal(2, (await AssertImportedAsync(response)).GetProperty("imported").GetInt32());

        var incidents = (await ListIncidentsAsync(client, "pageSize=50")).Items.OrderBy(i => i.Id).ToList();
        Assert.All(incidents, i => Assert.Equal((IncidentStatus.Resolved, Stage.UkrainianForces), (i.Status, i.Stage)));
        Assert.Equal(new DateTime(2026, 2, 3, 22, 0, 0, DateTimeKind.Utc), incidents[0].CeasedAt);
        Assert.Equal(new DateTime(2026, 2, 3, 22, 0, 0, DateTimeKind.Utc), incidents[1].OccurredAt);
        Assert.Equal(app.Now.UtcDateTime, incidents[1].CeasedAt);
    }

    [Fact]
    public async Task A_file_with_bad_lines_is_rejected_whole_naming_every_bad_line_by_number_column_and_reason()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var good = Acled("UKR200001", "2024-02-01", "Battles", "Armed clash", "Donetsk", "Bakhmut", "48.5956", "38.0003", "Clash.", "0");
        var file = AcledHeader
            + good                                                                                                               // line 2
            + Acled("UKR200002", "2024-02-30", "Battles", "Armed clash", "Donetsk", "Bakhmut", "48.5956", "38.0003", "Clash.", "0") // 3: no 30 Feb
            + Acled("UKR200003", "yesterday", "Battles", "Armed clash", "Donetsk", "Bakhmut", "48.5956", "38.0003", "Clash.", "0")  // 4
            + Acled("UKR200004", "2024-02-02", "Battles", "Armed clash", "Atlantis", "Bakhmut", "48.5956", "38.0003", "Clash.", "0") // 5
            + Acled("UKR200005", "2024-02-02", "Battles", "Armed clash", "Donetsk", "Bakhmut", "48.5956", "38.0003", new string('x', 4001), "0") // 6
            + "UKR200006,2024-02-02,2024,1\r\n"                                                                                  // 7: 4 columns
            + Acled("UKR200001", "2024-02-03", "Battles", "Armed clash", "Donetsk", "Bakhmut", "48.5956", "38.0003", "Again.", "0") // 8: duplicate
            + Acled("UKR200007", "2024-02-04", "Battles", "Armed clash", "Luhansk", "Kreminna", "49.0469", "38.2186", "Clash.", "-3"); // 9

        using var response = await PostAsync(client, file);
        var lines = await AssertRejectedAsync(response);

        Assert.Equal(
            [(3, "event_date"), (4, "event_date"), (5, "admin1"), (6, "notes"), (7, "(line)"), (8, "event_id_cnty"), (9, "fatalities")],
            lines.Select(l => (l.Line, l.Column)));
        Assert.Contains("Atlantis", lines[2].Reason, StringComparison.Ordinal);
        Assert.Contains("4000", lines[3].Reason, StringComparison.Ordinal);
        Assert.Contains("4 columns", lines[4].Reason, StringComparison.Ordinal);
        Assert.Contains("line 2", lines[5].Reason, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Fact]
    public async Task An_acled_export_imported_again_adds_nothing_and_one_that_overlaps_adds_only_its_new_events()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var lastWeek = AcledHeader
            + Acled("UKR300001", "2024-03-01", "Battles", "Armed clash", "Donetsk", "Chasiv Yar", "48.59", "37.84", "Clash.", "0")
            + Acled("UKR300002", "2024-03-02", "Explosions/Remote violence", "Air/drone strike", "Sumy", "Sumy", "50.91", "34.80", "Drones.", "2")
            + Acled("UKR300003", "2024-03-03", "Explosions/Remote violence", "Shelling/artillery/missile attack", "Kherson", "Kherson", "46.64", "32.61", "Shelling.", "0");
        Assert.Equal(3, (await AssertImportedAsync(await PostAsync(client, lastWeek))).GetProperty("imported").GetInt32());

        // The same file again: every event is there already.
        var again = await AssertImportedAsync(await PostAsync(client, lastWeek));
        Assert.Equal((3, 0, 3, 0), Counts(again));

        // This week's export overlaps last week's (ACLED ids as the file has them, whatever their case), and revised
        // one of the old events: the old ones stay as first imported, the new ones come in with the replay of only them.
        var thisWeek = AcledHeader
            + Acled("ukr300002", "2024-03-02", "Explosions/Remote violence", "Air/drone strike", "Sumy", "Sumy (revised)", "50.91", "34.80", "Drones, revised.", "5")
            + Acled("UKR300003", "2024-03-03", "Explosions/Remote violence", "Shelling/artillery/missile attack", "Kherson", "Kherson", "46.64", "32.61", "Shelling.", "0")
            + Acled("UKR300004", "2024-03-04", "Battles", "Armed clash", "Luhansk", "Kreminna", "49.05", "38.22", "Clash.", "0")
            + Acled("UKR300005", "2024-03-05", "Battles", "Armed clash", "Zaporizhia", "Robotyne", "47.44", "35.84", "Clash.", "1");
        var checkedOnly = await AssertImportedAsync(await PostAsync(client, thisWeek, dryRun: true));
        Assert.Equal((4, 0, 2, 2), Counts(checkedOnly));
        Assert.Equal(3, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));

        var imported = await AssertImportedAsync(await PostAsync(client, thisWeek));
        Assert.Equal((4, 2, 2, 2), Counts(imported));
        Assert.Equal(["Luhansk", "Zaporizhzhia"], imported.GetProperty("replay").GetProperty("byOblast").EnumerateArray().Select(g => g.GetProperty("key").GetString()));

        var stored = await app.WithDbAsync(db => db.Incidents.OrderBy(i => i.Id).Select(i => new { i.ExternalReference, i.Location, i.Killed }).ToListAsync(Ct));
        Assert.Equal(["ACLED:UKR300001", "ACLED:UKR300002", "ACLED:UKR300003", "ACLED:UKR300004", "ACLED:UKR300005"], stored.Select(i => i.ExternalReference));
        Assert.Equal(("Sumy", 2), (stored[1].Location, stored[1].Killed));

        static (int Rows, int Imported, int AlreadyImported, int Replayed) Counts(System.Text.Json.JsonElement answer) => (
            answer.GetProperty("rows").GetInt32(), answer.GetProperty("imported").GetInt32(),
            answer.GetProperty("alreadyImported").GetInt32(), answer.GetProperty("replay").GetProperty("incidents").GetInt32());
    }

    /// <summary>
    /// Two people import the same export at the same moment. On SQLite the second waits for the first's write lock and
    /// then finds every event; on PostgreSQL both may find them all new, and the second's inserts meet the unique index.
    /// Either way each event is one incident, and neither import fails.
    /// </summary>
    [Fact]
    public async Task Two_imports_of_one_export_at_once_import_each_event_once_and_both_succeed()
    {
        await using var app = new CeasefireWatchFactory();
        var file = AcledHeader + string.Concat(Enumerable.Range(1, 400).Select(n =>
            Acled($"UKR4{n:00000}", "2024-04-01", "Battles", "Armed clash", "Donetsk", $"Place {n}", "48.0", "37.8", "Clash.", "0")));

        for (var round = 1; round <= 3; round++)
        {
            using var first = app.CreateApiClient();
            using var second = app.CreateApiClient();
            var answers = await Task.WhenAll(PostAsync(first, file), PostAsync(second, file));
            var bodies = await Task.WhenAll(answers.Select(AssertImportedAsync));
            foreach (var answer in answers)
            {
                answer.Dispose();
            }

            Assert.Equal(round == 1 ? 400 : 0, bodies.Sum(b => b.GetProperty("imported").GetInt32()));
            Assert.Equal(round == 1 ? 400 : 800, bodies.Sum(b => b.GetProperty("alreadyImported").GetInt32()));
            Assert.Equal(400, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
        }
    }

    /// <summary>
    /// Found from outside: an incidents file imported twice, or an export imported back into the app it came from,
    /// doubled every incident (and its tiers, and the counts). A row is now taken to be an incident already stored
    /// when one has the same first violation, title, region and place; anything else about it may differ.
    /// </summary>
    [Fact]
    public async Task An_export_imported_back_adds_nothing_and_a_row_differing_in_place_or_time_is_new()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        await app.LogIncidentAsync(client, app.Now.AddHours(-30).AddTicks(-1234567), b => b["title"] = "Обстріл Гуляйполя");
        await app.LogIncidentAsync(client, app.Now.AddHours(-2), b => b["title"] = "=HYPERLINK(\"http://evil.example\")");
        var exported = await client.GetByteArrayAsync("/api/incidents.csv", Ct);

        var back = await AssertImportedAsync(await PostAsync(client, exported));
        Assert.Equal((2, 0, 2), (back.GetProperty("rows").GetInt32(), back.GetProperty("imported").GetInt32(), back.GetProperty("alreadyImported").GetInt32()));
        Assert.Equal(2, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));

        var header = "title,occurred_at,oblast,location\r\n";
        var stored = (await ListIncidentsAsync(client, "pageSize=50")).Items.OrderBy(i => i.Id).First();
        var at = stored.OccurredAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var file = header
            + Line(stored.Title, at, stored.Oblast, stored.Location)                              // stored already
            + Line(stored.Title, at, stored.Oblast, stored.Location + " (north)")                 // another place
            + Line(stored.Title, stored.OccurredAt.AddSeconds(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture), stored.Oblast, stored.Location);
        var dryRun = await AssertImportedAsync(await PostAsync(client, file, dryRun: true));
        Assert.Equal((3, 1), (dryRun.GetProperty("rows").GetInt32(), dryRun.GetProperty("alreadyImported").GetInt32()));
        var mixed = await AssertImportedAsync(await PostAsync(client, file));
        Assert.Equal((2, 1), (mixed.GetProperty("imported").GetInt32(), mixed.GetProperty("alreadyImported").GetInt32()));
        Assert.Equal(2, mixed.GetProperty("replay").GetProperty("incidents").GetInt32());
        Assert.Equal(4, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    /// <summary>Two people send one incidents file at the same moment: the rows stored are looked for in the writers' turn.</summary>
    [Fact]
    public async Task Two_imports_of_one_incidents_file_at_once_import_it_once()
    {
        await using var app = new CeasefireWatchFactory();
        var file = "title,occurred_at,oblast,location\r\n" + string.Concat(Enumerable.Range(1, 300).Select(n =>
            Line($"Shelling {n}", app.Now.AddDays(-3).AddMinutes(n).ToString("O", System.Globalization.CultureInfo.InvariantCulture), "Donetsk", $"Place {n}")));

        using var first = app.CreateApiClient();
        using var second = app.CreateApiClient();
        var answers = await Task.WhenAll(PostAsync(first, file), PostAsync(second, file));
        var bodies = await Task.WhenAll(answers.Select(AssertImportedAsync));
        foreach (var answer in answers)
        {
            answer.Dispose();
        }

        Assert.Equal(300, bodies.Sum(b => b.GetProperty("imported").GetInt32()));
        Assert.Equal(300, bodies.Sum(b => b.GetProperty("alreadyImported").GetInt32()));
        Assert.Equal(300, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Fact]
    public async Task An_acled_event_id_too_long_to_keep_is_a_bad_line()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var longest = new string('U', IncidentLimits.ExternalReference - "ACLED:".Length);

        var bad = await AssertRejectedAsync(await PostAsync(client, AcledHeader
            + Acled(longest, "2024-05-01", "Battles", "Armed clash", "Donetsk", "Siversk", "48.87", "38.10", "Clash.", "0")
            + Acled(longest + "U", "2024-05-01", "Battles", "Armed clash", "Donetsk", "Siversk", "48.87", "38.10", "Clash.", "0")));

        Assert.Equal([(3L, "event_id_cnty")], bad.Select(b => (b.Line, b.Column)));
        Assert.Contains("at most 58 characters", bad[0].Reason, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Fact]
    public async Task An_incidents_file_gets_a_live_reports_rules_line_by_line()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var file = "title,occurred_at,ceased_at,oblast,location,latitude,longitude,violation_type,severity,source_type,killed,wounded,description\r\n"
            + Line("Fine", "2026-02-01T06:00:00Z", null, "Sumy", null, null, null, null, null, null, null, null, null)                          // 2
            + Line("No offset", "2026-02-01T06:00:00", null, "Sumy", "Sumy", null, null, null, null, null, null, null, null)                   // 3
            + Line("Backwards", "2026-02-01T06:00:00Z", "2026-01-31T06:00:00Z", "Sumy", "Sumy", null, null, null, null, null, null, null, null) // 4
            + Line("Future", "2026-02-05T06:00:00Z", null, "Sumy", "Sumy", null, null, null, null, null, null, null, null)                  // 5
            + Line("Paris", "2026-02-01T06:00:00Z", null, "Sumy", "Sumy", "48.85", "2.35", null, null, null, null, null, null)              // 6
            + Line("Type", "2026-02-01T06:00:00Z", null, "Sumy", "Sumy", null, null, "Artillery", "Huge", null, null, null, null)           // 7
            + Line(new string('t', 201), "2026-02-01T06:00:00Z", null, "Sumy", "Sumy", null, null, null, null, null, null, null, null)     // 8
            + Line(null, null, null, null, null, null, null, null, null, null, null, null, null);                                          // 9

        using var response = await PostAsync(client, file);
        var lines = await AssertRejectedAsync(response);

        Assert.Equal(
            [(3, "occurred_at"), (4, "ceased_at"), (5, "occurred_at"), (6, "longitude"), (7, "severity"), (7, "violation_type"), (8, "title"), (9, "oblast"), (9, "occurred_at"), (9, "title")],
            lines.Select(l => (l.Line, l.Column)).OrderBy(l => l.Line).ThenBy(l => l.Column, StringComparer.Ordinal));
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_dry_run_answers_what_would_be_imported_and_writes_nothing()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var file = "title,occurred_at,ceased_at,oblast\r\n"
            + Line("Long", Iso(app.Now.AddHours(-100)), Iso(app.Now.AddHours(-1)), "Vinnytska oblast")
            + Line("Ongoing", Iso(app.Now.AddHours(-30)), null, "м. Київ");

        using var response = await PostAsync(client, file, dryRun: true);
        var body = await AssertImportedAsync(response);

        Assert.True(body.GetProperty("dryRun").GetBoolean());
        Assert.Equal(2, body.GetProperty("rows").GetInt32());
        Assert.Equal(0, body.GetProperty("imported").GetInt32());
        Assert.Equal(1, body.GetProperty("replay").GetProperty("highestStage").GetProperty("UsBackstop").GetInt32());
        Assert.Equal(1, body.GetProperty("replay").GetProperty("active").GetInt32());
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Fact]
    public async Task An_unknown_header_is_a_400_naming_the_expected_headers()
    {
        await using var app = new CeasefireWatchFactory();
        using var response = await PostAsync(app.CreateApiClient(), "name,date,place\r\nx,2024-01-01,Sumy\r\n");

        var errors = await Problems.AssertValidationProblemAsync(response, "file");
        var message = errors.GetProperty("file")[0].GetString()!;
        Assert.Contains("occurred_at", message, StringComparison.Ordinal);
        Assert.Contains("event_id_cnty", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_naming_a_column_twice_is_a_400_and_imports_nothing()
    {
        await using var app = new CeasefireWatchFactory();
        using var response = await PostAsync(app.CreateApiClient(),
            "title,occurred_at,oblast,Title\r\n" + Line("Twice", Iso(app.Now.AddHours(-1)), "Sumy", "Again"));

        var errors = await Problems.AssertValidationProblemAsync(response, "file");
        Assert.Contains("title more than once", errors.GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    // The rule every request's text follows (no control characters but tab and line breaks), and text that is not
    // UTF-8, are no different in a file: each such cell is a bad line, and nothing is imported.
    [Fact]
    public async Task Control_characters_and_bytes_that_are_not_utf8_are_bad_lines_and_nothing_is_imported()
    {
        await using var app = new CeasefireWatchFactory();
        var at = Iso(app.Now.AddHours(-1));
        var file = new List<byte>(Encoding.UTF8.GetBytes("title,occurred_at,oblast,location,description\r\n"
            + $"Good,{at},Sumy,Town,Fine\r\n"                     // 2
            + $"nul\0x,{at},Sumy,Town,Fine\r\n"                  // 3
            + $"Esc,{at},Sumy,\u001b[31mred,Fine\r\n"            // 4
            + $"Bell,{at},Sumy,Town,ring\u0007\r\n"              // 5
            + $"Tab\tok,{at},Sumy,Town,\"two\nlines\"\r\n"))  // 6: tab and line break are fine
            ;
        file.AddRange(Encoding.UTF8.GetBytes($"Bytes,{at},Sumy,Town,bad"));   // 7: not UTF-8
        file.AddRange([0xFF, 0xFE]);
        file.AddRange(Encoding.UTF8.GetBytes("\r\n"));

        using var response = await PostAsync(app.CreateApiClient(), [.. file]);
        var lines = await AssertRejectedAsync(response);

        Assert.Equal([(3, "title"), (4, "location"), (5, "description"), (7, "description")], lines.Select(l => (l.Line, l.Column)));
        Assert.Contains("U+0000", lines[0].Reason, StringComparison.Ordinal);
        Assert.Contains("U+001B", lines[1].Reason, StringComparison.Ordinal);
        Assert.Contains("UTF-8", lines[3].Reason, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Fact]
    public async Task No_file_is_a_400_on_the_file_field()
    {
        await using var app = new CeasefireWatchFactory();
        using var empty = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        using var response = await app.CreateApiClient().PostAsync("/api/imports", empty, Ct);

        var errors = await Problems.AssertValidationProblemAsync(response, "file");
        Assert.StartsWith("Attach a CSV file", errors.GetProperty("file")[0].GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A body the form reader cannot take is the caller's mistake, told as such: these were 500s when the generated binder
    /// read the form (no Content-Type at all; multipart without its boundary and no body; a body cut short before its
    /// closing boundary), and nothing is imported.
    /// </summary>
    [Theory]
    [InlineData(null, null, HttpStatusCode.UnsupportedMediaType, "multipart/form-data")]
    [InlineData("multipart/form-data", null, HttpStatusCode.BadRequest, "Attach a CSV file in the form field 'file'")]
    [InlineData("multipart/form-data", "title,occurred_at,oblast\r\n", HttpStatusCode.BadRequest, "boundary")]
    [InlineData("multipart/form-data; boundary=cw", "--cw\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\ntitle", HttpStatusCode.BadRequest, "ended before its closing boundary")]
    public async Task A_body_that_is_not_a_readable_multipart_form_is_a_problem_that_says_what_to_send(
        string? contentType, string? body, HttpStatusCode status, string said)
    {
        await using var app = new CeasefireWatchFactory();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports");
        if (body is not null || contentType is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body ?? ""));
            request.Content.Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await app.CreateApiClient().SendAsync(request, Ct);

        // What it says is in the detail, or (no body at all: no file) in errors.file.
        var problem = await Problems.AssertProblemAsync(response, status);
        var told = problem.TryGetProperty("detail", out var detail) ? detail.GetString() : problem.GetProperty("errors").GetProperty("file")[0].GetString();
        Assert.Contains(said, told, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Fact]
    public async Task An_empty_file_is_a_400_that_says_it_is_empty()
    {
        await using var app = new CeasefireWatchFactory();
        using var form = Imports.Form([]);
        using var response = await app.CreateApiClient().PostAsync("/api/imports", form, Ct);

        var errors = await Problems.AssertValidationProblemAsync(response, "file");
        Assert.Equal("The file is empty: there is nothing to import.", errors.GetProperty("file")[0].GetString());
    }

    [Fact]
    public async Task An_export_imported_into_an_empty_instance_yields_the_same_incidents_tiers_and_due_instants()
    {
        await using var source = new CeasefireWatchFactory();
        var client = source.CreateApiClient();
        var now = source.Now;
        string[] titles =
        [
            "=HYPERLINK(\"http://evil.example\",\"Click\")", "+380 shells", "-1 day of ceasefire", "@SUM(A1:A9)",
            "'quoted' start", "'=already escaped", "Обстріл Гуляйполя", "Strike on \"Sunflower\" market, Kharkiv",
        ];
        var logged = new List<IncidentResponse>();
        for (var i = 0; i < titles.Length; i++)
        {
            // Spread over the tiers: some just opened, some past 24 h, some past 72 h, with odd ticks.
            var occurred = now.AddHours(-(i * 15) - 1).AddTicks(-1234567 * (i + 1));
            logged.Add(await source.LogIncidentAsync(client, occurred, body =>
            {
                body["title"] = titles[i];
                body["description"] = i % 2 == 0 ? "=cmd|' /C calc'!A0" : "Line one, with a comma.\nLine two: \"quoted\".";
                body["location"] = i % 3 == 0 ? "-Гуляйполе" : "Гуляйполе";
                if (i % 4 == 3)
                {
                    body.Remove("latitude");
                    body.Remove("longitude");
                    body.Remove("killed");
                }
            }));
        }

        // Resolve some: one still in tier 1, one after tier 3 fell due. (A ceasedAt backdated before a tier that was
        // already entered live would replay lower: the replay knows only the policy. See docs/operations.md.)
        foreach (var (incident, ceased) in new[] { (logged[0], logged[0].OccurredAt.AddMinutes(30)), (logged[6], logged[6].OccurredAt.AddHours(80).AddTicks(7)) })
        {
            using var resolve = await client.PostAsJsonAsync($"/api/incidents/{incident.Id}/resolve",
                new { ceasedAt = Iso(new DateTimeOffset(ceased)), reason = "Quiet." }, Json, Ct);
            Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        }

        var exported = await client.GetByteArrayAsync("/api/incidents.csv", Ct);
        var text = Encoding.UTF8.GetString(exported);
        Assert.False(exported.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        Assert.Contains("'=HYPERLINK(", text, StringComparison.Ordinal);
        Assert.Contains("'+380 shells", text, StringComparison.Ordinal);
        Assert.Contains("''=already escaped", text, StringComparison.Ordinal);
        Assert.Contains("'-Гуляйполе", text, StringComparison.Ordinal);

        await using var target = new CeasefireWatchFactory { Clock = new(now) };
        var targetClient = target.CreateApiClient();
        using (var import = await PostAsync(targetClient, exported))
        {
            var body = await AssertImportedAsync(import);
            Assert.Equal(titles.Length, body.GetProperty("imported").GetInt32());
        }

        foreach (var original in logged)
        {
            var before = await GetIncidentAsync(client, original.Id);
            var after = await GetIncidentAsync(targetClient, original.Id);
            Assert.Equal(
                (before.Reference, before.Title, before.Status, before.Stage, before.OccurredAt, before.CeasedAt, before.NextStageAt, before.Oblast, before.Location),
                (after.Reference, after.Title, after.Status, after.Stage, after.OccurredAt, after.CeasedAt, after.NextStageAt, after.Oblast, after.Location));
            Assert.Equal(
                (before.Latitude, before.Longitude, before.ViolationType, before.Severity, before.SourceType, before.Killed, before.Wounded, before.Description),
                (after.Latitude, after.Longitude, after.ViolationType, after.Severity, after.SourceType, after.Killed, after.Wounded, after.Description));
            Assert.Equal(before.StagesEntered.Select(e => (e.Stage, e.DueAt)), after.StagesEntered.Select(e => (e.Stage, e.DueAt)));
        }

        Assert.Contains(logged, i => i.Stage == Stage.UsBackstop);
        Assert.Contains(logged, i => i.Stage == Stage.Coalition);
    }

    [Fact]
    public async Task The_incidents_export_honours_the_filters_and_has_kyiv_columns_and_an_optional_bom()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var winter = await app.LogIncidentAsync(client, app.Now.AddHours(-2), b => b["oblast"] = "Volyn");
        await app.LogIncidentAsync(client, app.Now.AddHours(-2), b => b["oblast"] = "Rivne");

        var bytes = await client.GetByteArrayAsync("/api/incidents.csv?oblast=Volyn&bom=true", Ct);

        Assert.True(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), "bom=true must start with a byte-order mark.");
        using var reader = CsvReader.Create(bytes, CsvReaderOptions.Default);
        var headers = reader.Headers.ToList();
        Assert.Equal(headers.IndexOf("occurred_at") + 1, headers.IndexOf("occurred_at_kyiv"));
        Assert.Equal(headers.IndexOf("ceased_at") + 1, headers.IndexOf("ceased_at_kyiv"));
        Assert.All(["id", "reference", "stage", "status", "title", "occurred_at", "ceased_at", "oblast", "location", "latitude",
            "longitude", "violation_type", "severity", "source_type", "killed", "wounded", "description"], c => Assert.Contains(c, headers));
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal(winter.Reference, reader.GetString("reference"));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(winter.OccurredAt).Trim('"'), reader.GetString("occurred_at"));
        Assert.Equal("2026-02-04T06:00:00+02:00", reader.GetString("occurred_at_kyiv"));
        Assert.Equal("UkrainianForces", reader.GetString("stage"));
        Assert.Equal("Active", reader.GetString("status"));
        Assert.False(await reader.ReadAsync(Ct));

        using var bad = await client.GetAsync("/api/incidents.csv?stage=Nope", Ct);
        await Problems.AssertValidationProblemAsync(bad, "stage");
    }
}
