using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;
using CeasefireWatch.Web.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Dashboard;

/// <summary>
/// Everything the dashboard shows: active incidents (most urgent deadline first), counts per tier,
/// the regions coloured by their highest active tier, two charts, and the engine's health.
/// </summary>
public static class GetDashboard
{
    /// <summary>
    /// The most urgent this many are shown as cards (more than a wall shows at once); the page says how many more are
    /// active and links to the list, and the counts cover every incident. It keeps the page the same size however many
    /// incidents are active.
    /// </summary>
    public const int MaxCards = 50;

    /// <summary>Days shown in the incidents-per-day chart, today included.</summary>
    public const int ChartDays = 14;

    /// <summary>Resolutions counted in the time-to-resolution chart: those of the last 30 days.</summary>
    public static readonly TimeSpan ResolutionWindow = TimeSpan.FromDays(30);

    public sealed record Query : IQuery<Model>;

    public sealed record Card(
        int Id,
        string Reference,
        string Title,
        Stage Stage,
        Severity Severity,
        ViolationType ViolationType,
        string Oblast,
        string Location,
        DateTime OccurredAt,
        DateTime? NextStageAt,
        bool DiplomaticWarningIssued,
        Verification Verification = Verification.Unverified,
        bool Held = false,
        bool LargerScaleFlagged = false,
        int Acknowledged = 0,
        int OverdueItems = 0);

    /// <summary>A region's active incidents and the highest tier among them (null when it has none).</summary>
    public sealed record RegionActivity(string Name, string NameUk, int Active, Stage? HighestStage);

    /// <summary>Incidents whose first violation fell on <see cref="Day"/> (UTC), by the highest tier each reached.</summary>
    public sealed record DayCounts(DateOnly Day, IReadOnlyDictionary<Stage, int> ByStage);

    public sealed record ResolutionBucket(string Label, int Count);

    /// <summary>
    /// Every tier entered, from the record (so it survives restarts), by whom: the engine as deadlines pass, the policy
    /// at once when an incident is logged or imported after its deadlines, and supervisors escalating early.
    /// </summary>
    public sealed record TiersEntered(int ByEngine, int AtLogging, int BySupervisors)
    {
        public int Total => ByEngine + AtLogging + BySupervisors;
    }

    /// <summary>
    /// The engine panel's count of every tier ever entered, by whom, shared by all dashboards and walls and counted
    /// again at most every <see cref="Freshness"/>, changes or not: it scans the whole history, and without this a
    /// dashboard at 100,000 incidents took ten times as long as at 1,000 (docs/performance.md).
    /// </summary>
    public sealed class TiersEnteredTally(TimeProvider clock) : SharedReading<TiersEntered>(clock, Freshness)
    {
        public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(10);
    }

    /// <summary>The page's counts over every incident: per tier, per region, per day, and times to resolution.</summary>
    public sealed record Counts(
        DateOnly FirstDay, GetStats.Stats Stats, IReadOnlyList<RegionActivity> Regions, IReadOnlyList<DayCounts> PerDay,
        IReadOnlyList<ResolutionBucket> TimeToResolution);

    /// <summary>
    /// The <see cref="Counts"/>, shared by all dashboards and walls until an incident changes (and at most for
    /// <see cref="Freshness"/>): read afresh, they are group-bys over every incident, and they made a dashboard at
    /// 100,000 incidents several times slower than at 1,000. On a database shared by several instances (PostgreSQL)
    /// they are read on every render: another instance's change reaches this one's pages (through the backplane) but
    /// not its memory, so a page re-fetched on that push would show the counts from before it.
    /// </summary>
    public sealed class SharedCounts(TimeProvider clock, DatabaseSetup database)
        : SharedReading<Counts>(clock, database.IsPostgres ? TimeSpan.Zero : Freshness)
    {
        public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);
    }

    /// <summary>Any committed change may move a count: the next dashboard reads them afresh.</summary>
    public sealed class ForgetSharedCounts(SharedCounts counts) : INotificationHandler<Escalation.IncidentChanged>
    {
        public ValueTask Handle(Escalation.IncidentChanged notification, CancellationToken cancellationToken)
        {
            counts.Forget();
            return ValueTask.CompletedTask;
        }
    }

    public sealed record Model(
        DateTime Now,
        IReadOnlyList<Card> Active,
        GetStats.Stats Stats,
        IReadOnlyList<RegionActivity> Regions,
        IReadOnlyList<DayCounts> PerDay,
        IReadOnlyList<ResolutionBucket> TimeToResolution,
        EscalationEngineStatus.Snapshot Engine,
        Infrastructure.Health.HealthMonitor.Reading Health,
        TimeSpan Tier2After,
        TimeSpan Tier3After,
        int RosterSize = 0,
        TiersEntered? Entered = null)
    {
        /// <summary>Checklist items overdue across the incidents shown.</summary>
        public int OverdueItems => Active.Sum(c => c.OverdueItems);
    }

    public sealed class Handler(
        AppDbContext db, TimeProvider clock, IMediator mediator, EscalationEngineStatus engine, EscalationPolicy policy,
        Infrastructure.Health.HealthMonitor health, TiersEnteredTally tally, SharedCounts sharedCounts)
        : IQueryHandler<Query, Model>
    {
        public async ValueTask<Model> Handle(Query query, CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow().UtcDateTime;

            // Most urgent first: those with a deadline, soonest first, then those without (held, or past tier 3).
            // Two reads, each in the order of the (Status, NextStageAt) index and stopped at MaxCards, rather than one
            // that sorted every active incident by "has a deadline" (10,000 rows sorted to show 200).
            var rows = await Cards(db.Incidents.Where(i => i.Status == IncidentStatus.Active && i.NextStageAt != null)
                .OrderBy(i => i.NextStageAt).ThenBy(i => i.OccurredAt), MaxCards).ToListAsync(cancellationToken);
            if (rows.Count < MaxCards)
            {
                // The reads are not one snapshot: an incident whose last tier was entered between them is in both (seen
                // on three instances sharing PostgreSQL). It is shown once; the engine's push brings its new tier.
                var first = rows.Select(r => r.Card.Id).ToHashSet();
                rows.AddRange((await Cards(db.Incidents.Where(i => i.Status == IncidentStatus.Active && i.NextStageAt == null)
                    .OrderBy(i => i.OccurredAt), MaxCards - rows.Count).ToListAsync(cancellationToken))
                    .Where(r => !first.Contains(r.Card.Id)));
            }

            var ids = rows.Select(r => r.Card.Id).ToList();
            var answers = await db.Set<CoalitionAcknowledgement>().AsNoTracking()
                .Where(a => ids.Contains(a.IncidentId))
                .Select(a => new { a.IncidentId, a.Country, a.State, a.At, a.Id })
                .ToListAsync(cancellationToken);
            var acknowledged = answers.GroupBy(a => a.IncidentId).ToDictionary(
                g => g.Key,
                g => g.GroupBy(a => a.Country).Count(c => CoalitionAcknowledgement.IsAcknowledged(c.OrderBy(a => a.At).ThenBy(a => a.Id).Last().State)));
            var began = now - policy.ChecklistOverdueAfter;
            var active = rows.Select(r => r.Card with
            {
                Acknowledged = acknowledged.GetValueOrDefault(r.Card.Id),
                OverdueItems =
                    (r.Tier1EnteredAt <= began ? (r.DiplomaticWarningIssuedAt is null ? 1 : 0) + (r.UkrainianForcesResponseAt is null ? 1 : 0) : 0)
                    + (r.Tier2EnteredAt <= began ? (r.LeadsAcknowledgedAt is null ? 1 : 0) + (r.MembersNotifiedAt is null ? 1 : 0) : 0)
                    + (r.Tier3EnteredAt <= began && r.UsBackstopActivatedAt is null ? 1 : 0),
            }).ToList();
            var rosterSize = await db.CoalitionMembers.CountAsync(cancellationToken);
            var firstDay = DateOnly.FromDateTime(now).AddDays(1 - ChartDays);
            var counts = await sharedCounts.ReadAsync(
                async () => new Counts(
                    firstDay,
                    await mediator.Send(new GetStats.Query(), cancellationToken),
                    await RegionsAsync(cancellationToken),
                    await PerDayAsync(firstDay, cancellationToken),
                    await TimeToResolutionAsync(now, cancellationToken)),
                cancellationToken,
                stillApplies: c => c.FirstDay == firstDay);
            return new Model(
                now, active, counts.Stats, counts.Regions, counts.PerDay, counts.TimeToResolution,
                engine.Current,
                await health.ReadAsync(cancellationToken),
                policy.Tier2After,
                policy.Tier3After,
                rosterSize,
                await tally.ReadAsync(() => TiersEnteredAsync(cancellationToken), cancellationToken));
        }

        private async Task<TiersEntered> TiersEnteredAsync(CancellationToken ct)
        {
            // Every StageEntered entry ever, joined to its incident: a scan of the whole history (0.4 s at 100,000
            // incidents), so TiersEnteredTally shares one count among all dashboards for a few seconds.
            // A policy entry recorded in the same instant the incident was created was entered at logging.
            var entries = await db.TimelineEntries
                .Where(e => e.Kind == TimelineKind.StageEntered)
                .Join(db.Incidents, e => e.IncidentId, i => i.Id, (e, i) => new { Engine = e.Actor == Incident.EngineActor, AtLogging = e.At == i.CreatedAt })
                .GroupBy(e => new { e.Engine, e.AtLogging })
                .Select(g => new { g.Key.Engine, g.Key.AtLogging, Count = g.Count() })
                .ToListAsync(ct);
            return new TiersEntered(
                entries.Where(e => e.Engine && !e.AtLogging).Sum(e => e.Count),
                entries.Where(e => e.Engine && e.AtLogging).Sum(e => e.Count),
                entries.Where(e => !e.Engine).Sum(e => e.Count));
        }

        /// <summary>A card and the checklist facts its overdue count is worked out from.</summary>
        private sealed record CardRow(
            Card Card, DateTime? Tier1EnteredAt, DateTime? Tier2EnteredAt, DateTime? Tier3EnteredAt, DateTime? UkrainianForcesResponseAt,
            DateTime? LeadsAcknowledgedAt, DateTime? MembersNotifiedAt, DateTime? UsBackstopActivatedAt, DateTime? DiplomaticWarningIssuedAt);

        private static IQueryable<CardRow> Cards(IQueryable<Incident> ordered, int take) => ordered
            .AsNoTracking()
            .Take(take)
            .Select(i => new CardRow(
                new Card(
                    i.Id, Incident.FormatReference(i.Id), i.Title, i.Stage, i.Severity, i.ViolationType, i.Oblast, i.Location,
                    i.OccurredAt, i.NextStageAt, i.DiplomaticWarningIssuedAt != null, i.Verification, i.HeldSince != null,
                    i.LargerScaleFlaggedAt != null, 0, 0),
                i.Tier1EnteredAt, i.Tier2EnteredAt, i.Tier3EnteredAt, i.UkrainianForcesResponseAt,
                i.LeadsAcknowledgedAt, i.MembersNotifiedAt, i.UsBackstopActivatedAt, i.DiplomaticWarningIssuedAt));

        private async Task<IReadOnlyList<RegionActivity>> RegionsAsync(CancellationToken ct)
        {
            var byRegion = await db.Incidents
                .Where(i => i.Status == IncidentStatus.Active)
                .GroupBy(i => new { i.Oblast, i.Stage })
                .Select(g => new { g.Key.Oblast, g.Key.Stage, Count = g.Count() })
                .ToListAsync(ct);
            var regions = await db.Regions.AsNoTracking().OrderBy(r => r.Name).ToListAsync(ct);
            return [.. regions.Select(r =>
            {
                var here = byRegion.Where(c => c.Oblast == r.Name).ToList();
                return new RegionActivity(
                    r.Name, r.NameUk, here.Sum(c => c.Count),
                    here.Count == 0 ? null : here.Max(c => c.Stage));
            })];
        }

        private async Task<IReadOnlyList<DayCounts>> PerDayAsync(DateOnly firstDay, CancellationToken ct)
        {
            var since = firstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            var recent = await db.Incidents
                .Where(i => i.OccurredAt >= since)
                .Select(i => new { i.OccurredAt, i.Stage })
                .ToListAsync(ct);
            return [.. Enumerable.Range(0, ChartDays).Select(offset =>
            {
                var day = firstDay.AddDays(offset);
                var that = recent.Where(i => DateOnly.FromDateTime(i.OccurredAt) == day).ToList();
                return new DayCounts(day, StageInfo.All.ToDictionary(s => s, s => that.Count(i => i.Stage == s)));
            })];
        }

        private async Task<IReadOnlyList<ResolutionBucket>> TimeToResolutionAsync(DateTime now, CancellationToken ct)
        {
            var since = now - ResolutionWindow;
            var resolved = await db.Incidents
                .Where(i => i.Status == IncidentStatus.Resolved && i.CeasedAt >= since)
                .Select(i => new { i.OccurredAt, CeasedAt = i.CeasedAt!.Value })
                .ToListAsync(ct);
            var hours = resolved.Select(i => (i.CeasedAt - i.OccurredAt).TotalHours).ToList();
            return
            [
                new("under 6 h", hours.Count(h => h < 6)),
                new("6–24 h", hours.Count(h => h is >= 6 and < 24)),
                new("24–72 h", hours.Count(h => h is >= 24 and < 72)),
                new("72 h and more", hours.Count(h => h >= 72)),
            ];
        }
    }
}
