using System.Data.Common;
using System.Runtime.CompilerServices;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Dashboard;
using CeasefireWatch.Web.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CeasefireWatch.Web.Features.Notifications;

/// <summary>
/// The outbox, written by every save: when a save adds a timeline entry of a kind people are told about, it adds
/// one delivery per matching rule to the same save, so the entry and its notifications commit or fail together
/// (no path through the engine, a request or an import can enter a tier and lose its notification). After the
/// commit it wakes the sender and pushes the on-screen alert for each tier entered.
/// </summary>
public sealed class NotificationOutbox(
    TimeProvider clock, NotificationSignal signal, NotificationOutbox.RulesInForce rulesInForce, IHubContext<LiveHub> hub,
    ILogger<NotificationOutbox> logger)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
    /// <summary>
    /// The rules in force, read once and shared by every save until a save changes one: reading them cost every
    /// report a query (docs/performance.md). On PostgreSQL another instance may change them, so each save reads them.
    /// </summary>
    public sealed class RulesInForce(TimeProvider clock, DatabaseSetup database)
        : SharedReading<List<NotificationRule>>(clock, database.IsPostgres ? TimeSpan.Zero : Freshness)
    {
        /// <summary>A bound, should a rule ever change by a path that bypasses the save (none does).</summary>
        public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);
    }

    /// <summary>The timeline kinds that notify. Adding one (e.g. EscalationHeld) is adding it here.</summary>
    public static readonly IReadOnlySet<TimelineKind> NotifyingKinds = new HashSet<TimelineKind>
    {
        TimelineKind.StageEntered,
        TimelineKind.EscalationHeld,
        TimelineKind.Resolved,
        TimelineKind.Reopened,
    };

    /// <summary>What a save in progress added, acted on once it has committed.</summary>
    private readonly LeasedState<SaveState> pending = new();

    /// <summary>Saves in progress that change a notification rule.</summary>
    private readonly LeasedState<DbContext> changingRules = new();

    /// <summary>Alerts of saves made inside a transaction, pushed only once it commits.</summary>
    private readonly LeasedState<List<(Incident Incident, TimelineEntry Entry)>> awaitingCommit = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } db && FindEvents(db) is { Count: > 0 } events)
        {
            // Only the async path reads the rules; a synchronous save of a notifying entry would lose them.
            throw new NotSupportedException($"Save {events[0].Entry.Kind} entries with SaveChangesAsync: the outbox reads the notification rules.");
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db)
        {
            if (db.ChangeTracker.Entries<NotificationRule>().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                // Forgotten before and after: a save reading the rules while this one writes them does not keep
                // what it read for the saves after it.
                rulesInForce.Forget();
                changingRules.Set(db, db);
            }

            await AddDeliveriesAsync(db, cancellationToken);
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not { } db)
        {
            return result;
        }

        if (changingRules.TryGetValue(db, out _))
        {
            // Committed (the rules' handlers save without a transaction of their own): read them again.
            changingRules.Remove(db);
            rulesInForce.Forget();
        }

        if (pending.TryGetValue(db, out var state))
        {
            pending.Remove(db);
            if (state.DeliveriesAdded)
            {
                signal.Notify();
            }

            // Inside a caller's own transaction (the engine's claimed batch on PostgreSQL) the save is not yet
            // committed: an alert now could announce a tier that is then rolled back, so it waits for the commit.
            // The deliveries (in the outbox) are safe either way.
            if (db.Database.CurrentTransaction is null)
            {
                await PushAlertsAsync(state.Alerts, cancellationToken);
            }
            else if (state.Alerts.Count > 0)
            {
                awaitingCommit.GetOrAdd(db, () => []).AddRange(state.Alerts);
            }
        }

        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db)
        {
            pending.Remove(db);
            changingRules.Remove(db);
        }

        return Task.CompletedTask;
    }

    public async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && awaitingCommit.TryGetValue(db, out var alerts))
        {
            awaitingCommit.Remove(db);
            await PushAlertsAsync(alerts, cancellationToken);
        }
    }

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db)
        {
            awaitingCommit.Remove(db);
        }

        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is { } db)
        {
            awaitingCommit.Remove(db);
        }
    }

    /// <summary>
    /// The notifying entries this save adds. Entries are only ever appended through their incident, so the tracked
    /// incidents hold every new one.
    /// </summary>
    private static List<(Incident Incident, TimelineEntry Entry)> FindEvents(DbContext db)
    {
        db.ChangeTracker.DetectChanges();
        return db.ChangeTracker.Entries<Incident>()
            .SelectMany(incident => incident.Entity.Timeline
                .Where(entry => NotifyingKinds.Contains(entry.Kind) && db.Entry(entry).State == EntityState.Added)
                .Select(entry => (Incident: incident.Entity, Entry: entry)))
            .ToList();
    }

    private async Task AddDeliveriesAsync(DbContext db, CancellationToken cancellationToken)
    {
        pending.Remove(db);
        var events = FindEvents(db);
        if (events.Count == 0)
        {
            return;
        }

        // A save retried on the same context (after a failure) already tracks the deliveries it added the first time.
        var queued = db.ChangeTracker.Entries<NotificationDelivery>()
            .Where(d => d.State == EntityState.Added)
            .Select(d => (d.Entity.TimelineEntry, d.Entity.RuleId))
            .ToHashSet();

        var added = false;
        foreach (var delivery in Deliveries(events, await ReadRulesAsync(db, cancellationToken), clock.GetUtcNow(), queued))
        {
            // The delivery points at the incident and the entry themselves: the insert fills in the ids of a
            // brand-new incident and its entries before it writes this row.
            db.Add(delivery);
            added = true;
        }

        var alerts = AlertsOf(events);
        pending.Set(db, new SaveState(alerts, added));
    }

    /// <summary>
    /// For a writer that bypasses SaveChanges (the engine's <see cref="IncidentBatchWriter"/>): the deliveries its
    /// new entries call for, by ids (the entries must have theirs), for it to insert in its own transaction.
    /// </summary>
    internal async Task<List<NotificationDelivery>> DeliveriesForAsync(
        AppDbContext db, IReadOnlyList<(Incident Incident, TimelineEntry Entry)> events, CancellationToken cancellationToken)
    {
        var notifying = events.Where(e => NotifyingKinds.Contains(e.Entry.Kind)).ToList();
        if (notifying.Count == 0)
        {
            return [];
        }

        var deliveries = Deliveries(notifying, await ReadRulesAsync(db, cancellationToken), clock.GetUtcNow(), []).ToList();
        foreach (var delivery in deliveries)
        {
            (delivery.IncidentId, delivery.TimelineEntryId) = (delivery.Incident!.Id, delivery.TimelineEntry!.Id);
        }

        return deliveries;
    }

    /// <summary>After such a writer has committed: wakes the sender and pushes the alerts, as a save does.</summary>
    internal async Task CommittedAsync(
        IReadOnlyList<(Incident Incident, TimelineEntry Entry)> events, bool deliveriesAdded, CancellationToken cancellationToken)
    {
        if (deliveriesAdded)
        {
            signal.Notify();
        }

        await PushAlertsAsync(AlertsOf(events), cancellationToken);
    }

    /// <summary>Reads the rules in force ahead of the engine's first batch (<see cref="Escalation.EscalationEngine.PrepareAsync"/>).</summary>
    internal Task PrepareAsync(AppDbContext db, CancellationToken cancellationToken) => ReadRulesAsync(db, cancellationToken);

    private Task<List<NotificationRule>> ReadRulesAsync(DbContext db, CancellationToken cancellationToken) =>
        rulesInForce.ReadAsync(
            () => db.Set<NotificationRule>().AsNoTracking()
                .Where(r => r.DeletedAt == null)
                .OrderBy(r => r.Id)
                .ToListAsync(cancellationToken),
            cancellationToken);

    private static IEnumerable<NotificationDelivery> Deliveries(
        IEnumerable<(Incident Incident, TimelineEntry Entry)> events, List<NotificationRule> rules, DateTimeOffset now,
        HashSet<(TimelineEntry?, int)> queued)
    {
        foreach (var (incident, entry) in events)
        {
            foreach (var rule in rules.Where(r => r.Matches(entry.Stage, incident.Oblast) && !queued.Contains((entry, r.Id))))
            {
                yield return new NotificationDelivery
                {
                    Id = Guid.CreateVersion7(now),
                    RuleId = rule.Id,
                    Incident = incident,
                    TimelineEntry = entry,
                    Event = entry.Kind,
                    Status = DeliveryStatus.Pending,
                    CreatedAt = now.UtcDateTime,
                    NextAttemptAt = now.UtcDateTime,
                };
            }
        }
    }

    /// <summary>
    /// On screen: the highest tier each incident entered in this save (a report typed in late enters two or three
    /// at once: one banner says it), for incidents still active (an import of long-ceased hostilities is history).
    /// </summary>
    private static List<(Incident Incident, TimelineEntry Entry)> AlertsOf(IEnumerable<(Incident Incident, TimelineEntry Entry)> events) =>
        events
            .Where(e => e.Entry.Kind == TimelineKind.StageEntered && e.Incident.Status == IncidentStatus.Active)
            .GroupBy(e => e.Incident)
            .Select(g => g.MaxBy(e => e.Entry.Stage))
            .ToList();

    private async Task PushAlertsAsync(List<(Incident Incident, TimelineEntry Entry)> alerts, CancellationToken cancellationToken)
    {
        foreach (var (incident, entry) in alerts)
        {
            try
            {
                await hub.Clients.All.SendAsync(StageAlert.Method, StageAlert.From(incident, entry), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The tier is committed and its notifications are in the outbox; a screen missing the push still
                // sees the tier at its next refresh.
                LogAlertFailed(logger, ex, incident.Reference);
            }
        }
    }

    private static readonly Action<ILogger, string, Exception?> AlertFailed = LoggerMessage.Define<string>(
        LogLevel.Warning, new EventId(1, "StageAlertFailed"), "Could not push the on-screen alert for {Reference}");

    private static void LogAlertFailed(ILogger logger, Exception exception, string reference) => AlertFailed(logger, reference, exception);
}

internal sealed record SaveState(List<(Incident Incident, TimelineEntry Entry)> Alerts, bool DeliveriesAdded);

/// <summary>
/// State an interceptor keeps for a context between two of its events. Contexts are pooled (one instance serves
/// scope after scope), and a scope can end between the two events (a save that threw, a transaction disposed without
/// a commit), so each value belongs to the lease it was set in (<see cref="DbContext.ContextId"/>): a later lease of
/// the same instance never sees it.
/// </summary>
internal sealed class LeasedState<T>
    where T : class
{
    private readonly ConditionalWeakTable<DbContext, Entry> entries = [];

    private sealed record Entry(DbContextId Lease, T Value);

    public bool TryGetValue(DbContext db, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
    {
        if (entries.TryGetValue(db, out var entry) && entry.Lease == db.ContextId)
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    public void Set(DbContext db, T value) => entries.AddOrUpdate(db, new Entry(db.ContextId, value));

    public T GetOrAdd(DbContext db, Func<T> create)
    {
        if (!TryGetValue(db, out var value))
        {
            value = create();
            Set(db, value);
        }

        return value;
    }

    public void Remove(DbContext db) => entries.Remove(db);
}

/// <summary>What a screen is pushed when a tier is entered: enough to show the alert without another request. The tier travels by its contract name.</summary>
public sealed record StageAlert(int IncidentId, string Reference, string Title, string Oblast, string Stage, int Tier, string StageLabel, DateTime At)
{
    /// <summary>The live hub's method for it (beside <see cref="LiveHub.IncidentChangedMethod"/>).</summary>
    public const string Method = "stageEntered";

    public static StageAlert From(Incident incident, TimelineEntry entry) =>
        new(incident.Id, incident.Reference, incident.Title, incident.Oblast, entry.Stage.ToString(), entry.Stage.Number(), entry.Stage.Label(), entry.At);
}
