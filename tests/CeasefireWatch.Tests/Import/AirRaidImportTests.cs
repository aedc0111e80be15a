using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Import;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using static CeasefireWatch.Tests.Infrastructure.Imports;

namespace CeasefireWatch.Tests.Import;

/// <summary>
/// All 17,493 official air-raid alerts of 2022 (shared/data, MIT), each as an incident that began at
/// <c>started_at</c> and ceased at <c>finished_at</c>, imported through <c>POST /api/imports</c>. The expected counts
/// are worked out here from the durations alone, not from the app.
/// </summary>
public sealed class AirRaidImportTests
{
    private static readonly TimeSpan Tier2After = TimeSpan.FromHours(24), Tier3After = TimeSpan.FromHours(72);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Alert(long Line, string Oblast, string Place, DateTimeOffset Started, DateTimeOffset Finished)
    {
        /// <summary>A tier is reached only if the alert was still on when it fell due: strictly after.</summary>
        public Stage Highest => Finished - Started > Tier3After ? Stage.UsBackstop
            : Finished - Started > Tier2After ? Stage.Coalition : Stage.UkrainianForces;
    }

    [Fact]
    public async Task Every_real_alert_imports_as_an_incident_reaching_exactly_the_tiers_due_before_it_ended()
    {
        var alerts = await ReadAlertsAsync();
        Assert.Equal(17_493, alerts.Count);

        // Every name in the oblast column is a region, in the dataset's spelling, except one raion filed there.
        var notRegions = alerts.Where(a => RegionMatcher.Match(a.Oblast) is null).ToList();
        var stray = Assert.Single(notRegions);
        Assert.Equal("Lubenskyi raion", stray.Oblast);

        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();

        // The file as it is: the one stray line is named (by its line in the original file) and nothing is written.
        using (var whole = await PostAsync(client, IncidentsFile(alerts)))
        {
            var bad = await AssertRejectedAsync(whole);
            var line = Assert.Single(bad);
            Assert.Equal((stray.Line, "oblast"), (line.Line, line.Column));
            Assert.Contains("Lubenskyi raion", line.Reason, StringComparison.Ordinal);
        }

        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));

        var regional = alerts.Where(a => a != stray).ToList();
        var expected = StageInfo.All.ToDictionary(s => s, s => regional.Count(a => a.Highest == s));
        Assert.True(expected[Stage.Coalition] + expected[Stage.UsBackstop] >= 3, "The README promises alerts past 24 h and 72 h.");

        var timer = Stopwatch.StartNew();
        using var response = await PostAsync(client, IncidentsFile(regional));
        var body = await AssertImportedAsync(response);
        timer.Stop();
        TestContext.Current.SendDiagnosticMessage($"Imported {regional.Count} alerts in {timer.Elapsed.TotalSeconds:0.0} s.");

        Assert.Equal(regional.Count, body.GetProperty("imported").GetInt32());
        var replay = body.GetProperty("replay");
        Assert.Equal(regional.Count, replay.GetProperty("resolved").GetInt32());
        foreach (var stage in StageInfo.All)
        {
            Assert.Equal(expected[stage], replay.GetProperty("highestStage").GetProperty(stage.ToString()).GetInt32());
            Assert.Equal(regional.Count(a => a.Highest >= stage), replay.GetProperty("reached").GetProperty(stage.ToString()).GetInt32());
        }

        // By oblast and by month (of the first violation, Kyiv time), each reconciling with the regions' own counts.
        foreach (var group in replay.GetProperty("byOblast").EnumerateArray())
        {
            var oblast = group.GetProperty("key").GetString()!;
            var mine = regional.Where(a => RegionMatcher.Match(a.Oblast) == oblast).ToList();
            Assert.Equal(mine.Count, group.GetProperty("incidents").GetInt32());
            Assert.Equal(mine.Count(a => a.Highest >= Stage.Coalition), group.GetProperty("reached").GetProperty("Coalition").GetInt32());
        }

        Assert.Equal(regional.Count, replay.GetProperty("byMonth").EnumerateArray().Sum(m => m.GetProperty("incidents").GetInt32()));
        Assert.Equal(["2022-03", "2022-04", "2022-05", "2022-06", "2022-07", "2022-08", "2022-09", "2022-10", "2022-11", "2022-12"],
            replay.GetProperty("byMonth").EnumerateArray().Select(m => m.GetProperty("key").GetString()).Take(10));

        // /api/stats counts them by the highest tier reached.
        using var stats = JsonDocument.Parse(await client.GetStringAsync("/api/stats", Ct));
        foreach (var stage in StageInfo.All)
        {
            Assert.Equal(expected[stage], stats.RootElement.GetProperty("resolved").GetProperty(stage.ToString()).GetInt32());
            Assert.Equal(0, stats.RootElement.GetProperty("active").GetProperty(stage.ToString()).GetInt32());
        }

        // The longest alerts, one by one: each tier's due instant is T0 + its window, and it ended after each.
        foreach (var alert in regional.Where(a => a.Highest > Stage.UkrainianForces))
        {
            var incident = await app.WithDbAsync(db => db.Incidents.Include(i => i.Timeline)
                .SingleAsync(i => i.Title == $"Alert {alert.Line}", Ct));
            Assert.Equal(alert.Highest, incident.Stage);
            Assert.Equal(IncidentStatus.Resolved, incident.Status);
            Assert.Equal(alert.Finished.UtcDateTime, incident.CeasedAt);
            var entered = incident.Timeline.Where(e => e.Kind == TimelineKind.StageEntered).OrderBy(e => e.Stage).ToList();
            Assert.Equal(StageInfo.All.Where(s => s <= alert.Highest), entered.Select(e => e.Stage));
            Assert.All(entered.Skip(1), e => Assert.True(e.DueAt < alert.Finished.UtcDateTime));
            Assert.Equal(alert.Started.UtcDateTime + Tier2After, entered[1].DueAt);
        }

        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(60), $"The import took {timer.Elapsed}.");
    }

    /// <summary>The alerts as a file in the Incidents format, one line per alert in the original order (so line numbers agree).</summary>
    private static byte[] IncidentsFile(IEnumerable<Alert> alerts)
    {
        var csv = new StringBuilder("title,occurred_at,ceased_at,oblast,location,violation_type,source_type,description\r\n");
        foreach (var a in alerts)
        {
            csv.Append(Line($"Alert {a.Line}", Iso(a.Started), Iso(a.Finished), a.Oblast, a.Place, "AirspaceViolation", "OpenSource", "Official air-raid alert"));
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static async Task<List<Alert>> ReadAlertsAsync()
    {
        await using var stream = File.OpenRead(SharedData.PathOf("ukraine_air_raid_alerts_official_2022.csv"));
        using var reader = CsvReader.Create(stream, CsvReaderOptions.Default);
        var alerts = new List<Alert>();
        while (await reader.ReadAsync(Ct))
        {
            var place = new[] { reader.GetString("hromada"), reader.GetString("raion"), reader.GetString("oblast") }.First(p => p.Length > 0);
            alerts.Add(new Alert(
                reader.RowNumber + 1,
                reader.GetString("oblast"),
                place,
                DateTimeOffset.ParseExact(reader.GetString("started_at"), "yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture),
                DateTimeOffset.ParseExact(reader.GetString("finished_at"), "yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture)));
        }

        return alerts;
    }
}
