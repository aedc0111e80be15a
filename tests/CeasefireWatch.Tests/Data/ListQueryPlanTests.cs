using System.Data.Common;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Features.Incidents;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Data;

/// <summary>
/// The list's most asked page (a status, newest first) is read in index order and never sorted whole: with the status
/// index alone SQLite read and sorted every incident of the status before returning 50 (160 ms with 120 k active,
/// docs/performance.md). SQLite's planner decides this from the schema alone (the app keeps no statistics), so the plan
/// on a small database is the plan on a large one.
/// </summary>
[Trait("Database", "SqliteOnly")]
public sealed class ListQueryPlanTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Active", null, "IX_Incidents_Status_OccurredAt")]
    [InlineData("Active", "occurred", "IX_Incidents_Status_OccurredAt")]
    [InlineData("Resolved", "-occurred", "IX_Incidents_Status_OccurredAt")]
    [InlineData(null, null, "IX_Incidents_OccurredAt")]
    public async Task A_page_of_the_list_by_time_walks_an_index_and_sorts_nothing(string? status, string? sort, string index)
    {
        var plan = await PlanAsync(db =>
            db.Incidents.AsNoTracking().Matching(new ListIncidents.Query(Status: status)).SortedBy(sort).Skip(50).Take(50));

        Assert.Contains(plan, step => Regex.IsMatch(step, $@"USING (COVERING )?INDEX {index}\b"));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    /// <summary>
    /// Indexes on columns a live report leaves empty are partial (<c>IS NOT NULL</c>), so that a new incident enters none
    /// of them; the reads they are for still seek them: the dashboard's resolutions of the last 30 days, and an import's
    /// look-up of the events it holds.
    /// </summary>
    [Fact]
    public async Task The_partial_indexes_still_serve_the_reads_they_are_for()
    {
        var since = app.Now.UtcDateTime.AddDays(-30);
        string[] events = ["ACLED:UKR1", "ACLED:UKR2"];

        var resolutions = await PlanAsync(db => db.Incidents.Where(i => i.Status == Web.Domain.IncidentStatus.Resolved && i.CeasedAt >= since)
            .Select(i => new { i.OccurredAt, i.CeasedAt }));
        var lookUp = await PlanAsync(db => db.Incidents.Where(i => events.Contains(i.ExternalReference)).Select(i => i.ExternalReference));

        Assert.Contains(resolutions, step => Regex.IsMatch(step, @"SEARCH \w+ USING INDEX IX_Incidents_Status_CeasedAt \(Status=\? AND CeasedAt>\?\)"));
        Assert.Contains(lookUp, step => Regex.IsMatch(step, @"SEARCH \w+ USING (COVERING )?INDEX IX_Incidents_ExternalReference \(ExternalReference=\?\)"));
    }

    private async Task<List<string>> PlanAsync<T>(Func<Web.Data.AppDbContext, IQueryable<T>> query) => await app.WithDbAsync(async db =>
    {
        await using var command = query(db).CreateDbCommand();
        await db.Database.OpenConnectionAsync(Ct);
        try
        {
            command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
            return await DetailsAsync(command);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    });

    private static async Task<List<string>> DetailsAsync(DbCommand command)
    {
        var details = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            details.Add(reader.GetString(3));
        }

        return details;
    }
}
