using System.Globalization;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using Mediator;

namespace CeasefireWatch.Web.Features.Import;

/// <summary>
/// Imports a file of incidents (CONTRACT.md's Incidents format or an ACLED export). All or nothing: a file with any
/// bad line imports nothing and names every bad line. Each row becomes an incident through <see cref="Incident.Import"/>,
/// the same policy as a live report: a tier is entered only if hostilities still continued when it fell due. The whole
/// file is written in one transaction.
/// </summary>
public static class ImportIncidents
{
    /// <summary>The largest file accepted. 20,000 rows of the Incidents format are about 5 MB.</summary>
    public const long MaxBytes = 50L * 1024 * 1024;

    [RequiresPolicy(Policies.Report)]
    public sealed record Command(Stream Content, bool DryRun = false) : ICommand<Outcome>;

    /// <summary>What became of the file: either imported (or, on a dry run, importable) with its replay, or why not.</summary>
    public sealed record Outcome(
        ImportFormat? Format,
        bool DryRun,
        int Rows,
        int Imported,
        IReadOnlyList<BadLine> BadLines,
        string? HeaderProblem,
        ReplaySummary? Replay)
    {
        public bool Accepted => HeaderProblem is null && BadLines.Count == 0;
    }

    public sealed class Handler(
        AppDbContext db, TimeProvider clock, EscalationPolicy policy, ICurrentActor actor, IPublisher publisher)
        : ICommandHandler<Command, Outcome>
    {
        public async ValueTask<Outcome> Handle(Command command, CancellationToken cancellationToken)
        {
            var read = await ImportCsv.ReadAsync(command.Content, clock, cancellationToken);
            if (read.HeaderProblem is not null || read.BadLines.Count > 0)
            {
                return new Outcome(read.Format, command.DryRun, read.Rows.Count + read.BadLines.Select(b => b.Line).Distinct().Count(), 0, read.BadLines, read.HeaderProblem, null);
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var incidents = read.Rows
                .Select(row => Incident.Import(row.Title!.Trim(), row.ToDetails(), row.CeasedAt?.UtcDateTime, now, actor.Name, policy))
                .ToList();
            var replay = ReplaySummary.Of(incidents);
            if (command.DryRun || incidents.Count == 0)
            {
                return new Outcome(read.Format, command.DryRun, incidents.Count, 0, [], null, replay);
            }

            // One transaction: all or nothing. The rows go through a prepared statement per table rather than
            // EF Core's one-command-per-row save (see IncidentBulkWriter for why and what stays the same).
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                await IncidentBulkWriter.InsertAsync(db, incidents, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            // One notice for the whole file, not one per row: live pages refresh once and the engine re-plans once
            // (an imported active incident may have the earliest deadline).
            await publisher.Publish(new IncidentChanged(incidents[^1].Id), cancellationToken);
            return new Outcome(read.Format, false, incidents.Count, incidents.Count, [], null, replay);
        }
    }
}

/// <summary>
/// How far a set of incidents got under the policy: how many reached each tier (reaching the coalition tier counts
/// for tier 1 too, as it passed through it), by oblast and by month of the first violation in Kyiv time.
/// </summary>
public sealed record ReplaySummary(
    int Incidents,
    int Active,
    int Resolved,
    IReadOnlyDictionary<Stage, int> Reached,
    IReadOnlyDictionary<Stage, int> HighestStage,
    IReadOnlyList<ReplayGroup> ByOblast,
    IReadOnlyList<ReplayGroup> ByMonth)
{
    public static ReplaySummary Of(IReadOnlyCollection<Incident> incidents) => new(
        incidents.Count,
        incidents.Count(i => i.Status == IncidentStatus.Active),
        incidents.Count(i => i.Status == IncidentStatus.Resolved),
        ReachedCounts(incidents),
        StageInfo.All.ToDictionary(s => s, s => incidents.Count(i => i.Stage == s)),
        incidents.GroupBy(i => i.Oblast).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ReplayGroup(g.Key, g.Count(), ReachedCounts(g.ToList()))).ToList(),
        incidents.GroupBy(i => KyivTime.FromUtc(i.OccurredAt).ToString("yyyy-MM", CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ReplayGroup(g.Key, g.Count(), ReachedCounts(g.ToList()))).ToList());

    private static Dictionary<Stage, int> ReachedCounts(IReadOnlyCollection<Incident> incidents) =>
        StageInfo.All.ToDictionary(s => s, s => incidents.Count(i => i.Stage >= s));
}

/// <summary>One oblast's or one month's line of a <see cref="ReplaySummary"/>.</summary>
public sealed record ReplayGroup(string Key, int Incidents, IReadOnlyDictionary<Stage, int> Reached);
