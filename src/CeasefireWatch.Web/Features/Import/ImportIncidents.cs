using System.Data.Common;
using System.Globalization;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using Mediator;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CeasefireWatch.Web.Features.Import;

/// <summary>
/// Imports a file of incidents (CONTRACT.md's Incidents format or an ACLED export). All or nothing: a file with any
/// bad line imports nothing and names every bad line. Each row becomes an incident through <see cref="Incident.Import"/>,
/// the same policy as a live report: a tier is entered only if hostilities still continued when it fell due. The whole
/// file is written in one transaction. An ACLED event imported before (by its <c>event_id_cnty</c>), or a row of the
/// Incidents format matching an incident stored already (<see cref="Handler.WithoutStoredAsync"/>), is left as it is and
/// counted, so a week's export that overlaps the last, or a file sent twice, adds only what is new.
/// </summary>
public static class ImportIncidents
{
    /// <summary>The largest file accepted. 20,000 rows of the Incidents format are about 5 MB.</summary>
    public const long MaxBytes = 50L * 1024 * 1024;

    /// <summary>
    /// The most rows one import takes. 50 MB holds 1.7 million short rows, whose import held the write lock (and live
    /// reports) for minutes and took gigabytes; 200,000 rows write in a few seconds.
    /// </summary>
    public const int MaxRows = 200_000;

    /// <summary>Imports tried when another import at the same moment took some of the file's events first.</summary>
    internal const int Attempts = 3;

    /// <summary>The unique index that holds an imported event to one incident.</summary>
    internal const string OneIncidentPerEventIndex = "IX_Incidents_ExternalReference";

    [RequiresPolicy(Policies.Report)]
    public sealed record Command(Stream Content, bool DryRun = false) : ICommand<Outcome>;

    /// <summary>
    /// What became of the file: either imported (or, on a dry run, importable) with its replay, or why not.
    /// <paramref name="Rows"/> counts the file's rows; <paramref name="AlreadyImported"/> those already stored (an ACLED event an
    /// earlier import holds, or an incident alike), which are not imported again; <paramref name="Imported"/> the new incidents (0 on a dry run); the replay is
    /// of the rows that are (or would be) imported.
    /// </summary>
    public sealed record Outcome(
        ImportFormat? Format,
        bool DryRun,
        int Rows,
        int Imported,
        int AlreadyImported,
        IReadOnlyList<BadLine> BadLines,
        string? HeaderProblem,
        ReplaySummary? Replay,
        bool TooManyRows = false)
    {
        public bool Accepted => HeaderProblem is null && BadLines.Count == 0 && !TooManyRows;

        /// <summary>The rows that are new: imported, or on a dry run, to be imported.</summary>
        public int New => Rows - AlreadyImported;
    }

    public sealed class Handler(
        AppDbContext db, TimeProvider clock, EscalationPolicy policy, ICurrentActor actor, IPublisher publisher, WriteGate writeGate)
        : ICommandHandler<Command, Outcome>
    {
        public async ValueTask<Outcome> Handle(Command command, CancellationToken cancellationToken)
        {
            var read = await ImportCsv.ReadAsync(command.Content, clock, cancellationToken);
            if (read.TooManyRows)
            {
                return new Outcome(read.Format, command.DryRun, 0, 0, 0, [], null, null, TooManyRows: true);
            }

            if (read.HeaderProblem is not null || read.BadLines.Count > 0)
            {
                return new Outcome(read.Format, command.DryRun, read.Rows.Count + read.BadLines.Select(b => b.Line).Distinct().Count(), 0, 0, read.BadLines, read.HeaderProblem, null);
            }

            // Two imports of overlapping files can both find an event new (the look-up is made before the write, so that
            // the write lock is held only for the writing); the second to insert it meets the unique index and has
            // written nothing (on PostgreSQL the index waits for the first to commit). Tried again, it finds the event.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await ImportAsync(read, command.DryRun, cancellationToken);
                }
                catch (DbException e) when (attempt < Attempts && IsEventImportedMeanwhile(e))
                {
                }
            }
        }

        private async Task<Outcome> ImportAsync(ImportCsv.Result read, bool dryRun, CancellationToken cancellationToken)
        {
            var known = await ImportedEventsAsync(read.Rows, cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            var candidates = read.Rows
                .Where(row => row.ExternalReference is null || !known.Contains(row.ExternalReference))
                .Select(row => Incident.Import(row.Title!.Trim(), row.ToDetails(), row.CeasedAt?.UtcDateTime, now, actor.Name, policy, row.ExternalReference))
                .ToList();
            if (dryRun)
            {
                var wouldImport = await WithoutStoredAsync(candidates, cancellationToken);
                return new Outcome(read.Format, true, read.Rows.Count, 0, read.Rows.Count - wouldImport.Count, [], null, ReplaySummary.Of(wouldImport));
            }

            // One transaction: all or nothing. The rows go through a prepared statement per table rather than EF Core's
            // one-command-per-row save (see IncidentBulkWriter for why and what stays the same). Written in the app's
            // queue of big writers (WriteGate): two large imports at once take turns instead of the second waiting in
            // SQLite's busy handler past Database:BusyTimeout (a 503 for a file with nothing wrong), and live reports
            // and the engine are woken the moment the import commits. The rows already stored are looked for inside
            // that turn, so the same file sent twice at once is imported once.
            List<Incident> incidents;
            using (await writeGate.EnterAsync(cancellationToken))
            {
                incidents = await WithoutStoredAsync(candidates, cancellationToken);
                if (incidents.Count > 0)
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    await IncidentBulkWriter.InsertAsync(db, incidents, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }
            }

            var alreadyImported = read.Rows.Count - incidents.Count;
            var replay = ReplaySummary.Of(incidents);
            if (incidents.Count == 0)
            {
                return new Outcome(read.Format, false, read.Rows.Count, 0, alreadyImported, [], null, replay);
            }

            // One notice for the whole file, not one per row: live pages refresh once and the engine re-plans once
            // (an imported active incident may have the earliest deadline).
            await publisher.Publish(new IncidentChanged(incidents[^1].Id), cancellationToken);
            return new Outcome(read.Format, false, read.Rows.Count, incidents.Count, alreadyImported, [], null, replay);
        }

        /// <summary>Which of the rows' events an earlier import holds.</summary>
        private async Task<HashSet<string>> ImportedEventsAsync(IReadOnlyList<ImportRow> rows, CancellationToken cancellationToken)
        {
            var known = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in rows.Select(r => r.ExternalReference).OfType<string>().Chunk(LookUpChunk))
            {
                known.UnionWith(await db.Incidents
                    .Where(i => chunk.Contains(i.ExternalReference))
                    .Select(i => i.ExternalReference!)
                    .ToListAsync(cancellationToken));
            }

            return known;
        }

        /// <summary>
        /// The incidents of the Incidents format that are not stored already. Such a row has no identity of its own, so
        /// an incident with the same first violation (to the microsecond), title, region and place is taken to be it: before,
        /// the same file imported twice, or an export imported back into the app it came from, doubled every incident,
        /// its tiers and the counts. Two rows alike within one file are both imported (the file says there were two).
        /// ACLED events are matched by their event id instead (<see cref="ImportedEventsAsync"/>).
        /// </summary>
        private async Task<List<Incident>> WithoutStoredAsync(List<Incident> candidates, CancellationToken cancellationToken)
        {
            // To the microsecond: PostgreSQL keeps no finer, SQLite keeps the tick.
            static DateTime Micro(DateTime t) => new(t.Ticks - (t.Ticks % 10), DateTimeKind.Utc);
            var stored = new HashSet<(DateTime, string, string, string)>();
            var times = candidates.Where(i => i.ExternalReference is null).Select(i => i.OccurredAt).Distinct();
            foreach (var chunk in times.Chunk(LookUpChunk))
            {
                var alike = await db.Incidents
                    .Where(i => chunk.Contains(i.OccurredAt))
                    .Select(i => new { i.OccurredAt, i.Title, i.Oblast, i.Location })
                    .ToListAsync(cancellationToken);
                stored.UnionWith(alike.Select(i => (Micro(i.OccurredAt), i.Title, i.Oblast, i.Location)));
            }

            return stored.Count == 0
                ? candidates
                : candidates.Where(i => i.ExternalReference is not null || !stored.Contains((Micro(i.OccurredAt), i.Title, i.Oblast, i.Location))).ToList();
        }

        /// <summary>Events looked up per query: a parameter each, well within either database's limit.</summary>
        private const int LookUpChunk = 500;

        private static bool IsEventImportedMeanwhile(DbException exception) => exception switch
        {
            PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation
                && postgres.ConstraintName == OneIncidentPerEventIndex,

            // SQLITE_CONSTRAINT_UNIQUE names the column, not the index.
            SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 2067
                && sqlite.Message.Contains("Incidents.ExternalReference", StringComparison.Ordinal),
            _ => false,
        };
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
