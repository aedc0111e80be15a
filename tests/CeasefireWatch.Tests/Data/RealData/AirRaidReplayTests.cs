using System.Globalization;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CsvHelper;

namespace CeasefireWatch.Tests.Data.RealData;

/// <summary>
/// Replays a month of real air-raid alerts (March 2022, CRLF, Ukrainian place names) as incidents that began
/// at <c>started_at</c> and ceased at <c>finished_at</c>, through the same import path the domain offers, and
/// checks each against the rules and the whole month against what the published data says about itself.
/// </summary>
public sealed class AirRaidReplayTests
{
    private static readonly EscalationPolicy Policy = new(TimeSpan.FromHours(24), TimeSpan.FromHours(72));
    private static readonly DateTime ImportedAt = new(2026, 2, 4, 6, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Every_alert_reaches_exactly_the_tiers_that_fell_due_before_it_ended()
    {
        var alerts = await ReadAlertsAsync();
        var regions = RegionNames();
        var unmatched = new List<string>();
        var reached = new Dictionary<Stage, int>();

        foreach (var alert in alerts)
        {
            if (!regions.TryGetValue(alert.Oblast, out var oblast))
            {
                unmatched.Add(alert.Oblast);
                continue;
            }

            var report = new ReportDetails(alert.Started, oblast, alert.Oblast, ViolationType.AirspaceViolation, Severity.Minor, SourceType.OpenSource, "Air-raid alert");
            var incident = Incident.Import($"Alert {alert.Line}", report, alert.Finished, ImportedAt, "replay", Policy);

            var duration = alert.Finished - alert.Started;
            var expected = duration > Policy.Tier3After ? Stage.UsBackstop : duration > Policy.Tier2After ? Stage.Coalition : Stage.UkrainianForces;
            Assert.True(expected == incident.Stage, $"line {alert.Line}: {duration} long, stage {incident.Stage}");
            Assert.Equal(IncidentStatus.Resolved, incident.Status);
            Assert.Equal(alert.Finished, incident.CeasedAt);
            Assert.Null(incident.NextStageAt);
            var entered = incident.Timeline.Where(e => e.Kind == TimelineKind.StageEntered).ToList();
            Assert.Equal(StageInfo.All.Where(s => s <= expected), entered.Select(e => e.Stage));
            Assert.All(entered, e =>
            {
                Assert.Equal(Policy.DueAt(e.Stage, alert.Started), e.DueAt);
                Assert.Equal(ImportedAt, e.At);
                Assert.True(e.Stage == Stage.UkrainianForces || alert.Finished > e.DueAt);
            });
            reached[incident.Stage] = reached.GetValueOrDefault(incident.Stage) + 1;
        }

        // What the dataset's README says of 2022, all of which falls in this March sample: three alerts of
        // 24 h or more, one of them over 72 h (87.9 h).
        Assert.Equal(2, reached.GetValueOrDefault(Stage.Coalition));
        Assert.Equal(1, reached.GetValueOrDefault(Stage.UsBackstop));
        Assert.Equal(alerts.Count - unmatched.Count - 3, reached.GetValueOrDefault(Stage.UkrainianForces));

        // The one name that is not a region: a raion of Poltava oblast filed in the oblast column.
        Assert.All(unmatched, name => Assert.Equal("Lubenskyi raion", name));
    }

    private sealed record Alert(long Line, string Oblast, DateTime Started, DateTime Finished);

    private static async Task<List<Alert>> ReadAlertsAsync()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "RealData", "air_raid_alerts_2022-03.csv");
        await using var stream = File.OpenRead(path);
        using var reader = CsvReader.Create(stream, CsvReaderOptions.Default);
        var alerts = new List<Alert>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            alerts.Add(new Alert(
                reader.RowNumber + 1,
                reader.GetString("oblast"),
                Utc(reader.GetString("started_at")),
                Utc(reader.GetString("finished_at"))));
        }

        Assert.True(alerts.Count > 1000, $"only {alerts.Count} alerts were read");
        return alerts;
    }

    /// <summary>"2022-03-15 16:10:34+00:00" as a UTC instant.</summary>
    private static DateTime Utc(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture).UtcDateTime;

    /// <summary>Every spelling the seeds know (canonical names and the dataset's "…ska oblast" aliases) to the canonical name.</summary>
    private static Dictionary<string, string> RegionNames()
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var region in SeedData.Load().Regions)
        {
            names[region.Name] = region.Name;
            foreach (var alias in region.Aliases)
            {
                names[alias] = region.Name;
            }
        }

        return names;
    }
}
